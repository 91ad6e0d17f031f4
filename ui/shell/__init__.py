"""The app's frame: start-up, the main window, the desk context, background operations, theme, PIN, lock."""
