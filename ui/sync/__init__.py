"""Sync in the app: the background sync service and its status in the window."""
