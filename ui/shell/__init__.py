"""The app's frame: start-up, the main window and its views, the first-run wizard, the idle lock, live settings."""
