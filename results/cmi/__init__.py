"""The committed conditional-MI reference results, installed as ``mibench.reference_cmi`` (recommend uses summary.csv for conditional requests)."""
