"""The Print view: badges, the pocket guide and registers, printed at exact scale; calibration."""
