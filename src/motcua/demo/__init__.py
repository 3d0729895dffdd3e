"""Demo data: the Huế units, agencies, counters and demo accounts, and their loader."""
