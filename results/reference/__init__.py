"""The committed reference results, installed as ``mibench.reference`` (recommend uses summary.csv)."""
