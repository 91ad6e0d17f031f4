"""Records kept and handed over: backups, personal data (retention, erasure), register exports."""
