"""The one base of every error a user can cause: its message is in their words and says what to do next.

A user error (a bad file, a wrong PIN, a session code that does not exist, a hub that cannot be reached)
is shown to the user and never logged with a traceback; any other exception is a bug. The command line
turns a `UserError` into its message and exit status 2, the app into one message box (`ui.base.failure`).
"""


class UserError(Exception):
    """Something the user can put right. `str(error)` is the whole message to show."""


class UsageError(UserError):
    """Something the user asked for that cannot be done (an unknown session code, a booking that is not
    there any more, a file of another programme); the message is for them."""
