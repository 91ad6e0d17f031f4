"""The Dashboard view: arrivals, no-shows and organisations, live."""
