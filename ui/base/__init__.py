"""What every view stands on: the desk context, background operations, how failures are shown, the theme and
the organiser PIN prompt."""
