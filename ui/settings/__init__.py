"""The Settings view: desk settings behind the PIN, the hub, backups, personal data."""
