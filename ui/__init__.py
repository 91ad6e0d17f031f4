"""Check-in Desk's PySide6 desktop app; it calls the core in `checkin` for everything it does."""
