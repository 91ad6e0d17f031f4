"""Delegate lists in: reading files as booking platforms and people write them, applying them to a session, API pulls."""
