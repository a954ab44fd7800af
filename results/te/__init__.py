"""The committed transfer-entropy reference results, installed as ``mibench.reference_te`` (recommend uses summary.csv for transfer-entropy requests)."""
