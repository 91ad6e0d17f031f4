"""What every view stands on: the desk context, background operations, the theme and the organiser PIN prompt."""
