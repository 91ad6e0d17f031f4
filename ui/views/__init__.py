"""The window's views: desk, delegates, roll-call, print, dashboard, settings."""
