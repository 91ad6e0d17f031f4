"""Check-in Desk: the core (domain, storage, import, decision, CLI). Never imports Qt."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("checkin-desk")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
