"""Desks in step: merging other desks' changes, the PostgreSQL hub and its schema, bundle files."""
