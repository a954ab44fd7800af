"""Built-in scenario plugins, one module per family, and the named suites (TOML)."""
