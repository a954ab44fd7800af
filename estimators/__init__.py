"""Built-in estimator plugins, one module per family.

Every module here is imported by the registry, so adding a module is all it
takes to add a family.
"""
