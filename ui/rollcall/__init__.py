"""The Roll-call view: marking attendance for each part of the day."""
