"""Files and lists in and out: reading letters and CSVs, writing exports."""
