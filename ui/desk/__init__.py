"""The Desk view: the scan field, the outcome panel, walk-ins."""
