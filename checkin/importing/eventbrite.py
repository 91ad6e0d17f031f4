"""Bookings from Eventbrite's API: an event's attendees, page by page, applied to a session as an import.

The attendees endpoint (`GET /v3/events/{id}/attendees/`, a bearer token) is read in full before anything
is written, then turned into the same `DelegateRow`s a CSV export gives and applied by
`checkin.importing.applying.apply_delegate_list`: matching, counts, audit and the sync outbox are the import's.
The next pull of the same event asks only for attendees changed since the last successful one.

The token comes from the environment (`EVENTBRITE_TOKEN`) or the system keyring; it goes only into the
request's Authorization header (not carried over a redirect) and never into a message, a log or the
database. Attendance stays the desk's: Eventbrite's `checked_in` is not read.
"""

import http.client
import ipaddress
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session as OrmSession

from checkin.domain.clock import Clock, utc_now
from checkin.domain.person import DELEGATE_FIELDS
from checkin.domain.text import clean, normalise_email
from checkin.domain.vocabulary import RegistrationStatus
from checkin.errors import UserError
from checkin.importing.applying import ImportReport, apply_delegate_list
from checkin.importing.reading import (
    DelegateList,
    DelegateRow,
    classify_heading,
    heading_key,
    meaningful_need,
    parse_status,
    split_full_name,
)
from checkin.store.models import Session
from checkin.store.outbox import read_state, write_state

KEYRING_SERVICE = "Check-in Desk Eventbrite"
KEYRING_USER = "token"
TOKEN_VARIABLE = "EVENTBRITE_TOKEN"
URL_VARIABLE = "CHECKIN_EVENTBRITE_URL"
DEFAULT_URL = "https://www.eventbriteapi.com"
TIMEOUT = 30  # seconds per request
MAX_PAGES = 5000
MAX_BYTES = 20 * 1024 * 1024  # per page; Eventbrite's pages are a few hundred kilobytes at most
# Asking for changes since a little before the last pull covers a desk clock running ahead of
# Eventbrite's; attendees seen twice are simply unchanged.
OVERLAP = timedelta(minutes=10)
_CHANGED_SINCE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class EventbriteError(UserError):
    """Eventbrite could not be used (no token, refused, unreachable, an unreadable answer): one line for
    users. Nothing has been written when it is raised."""


@dataclass(frozen=True)
class PullReport:
    """What a pull did: the import's report, plus how much Eventbrite sent."""

    event_id: str
    attendees: int
    pages: int
    #: The `changed_since` sent (None on the first pull of this event: everyone was asked for).
    changed_since: str | None
    report: ImportReport

    def as_json(self) -> dict[str, Any]:
        return {
            **self.report.as_json(),
            "event": self.event_id,
            "attendees": self.attendees,
            "pages": self.pages,
            "changed_since": self.changed_since,
        }


# ---- the token ------------------------------------------------------------------------------------


def eventbrite_token() -> str:
    """The private token: EVENTBRITE_TOKEN, else the system keyring."""
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        try:
            import keyring

            token = (keyring.get_password(KEYRING_SERVICE, KEYRING_USER) or "").strip()
        except Exception:  # no keyring back end on this computer: as if nothing were stored
            token = ""
    if not token:
        raise EventbriteError(
            f"No Eventbrite token: set {TOKEN_VARIABLE}, or store it in the system keyring with "
            f'keyring set "{KEYRING_SERVICE}" {KEYRING_USER}.'
        )
    return token


# ---- reading the attendees ------------------------------------------------------------------------


def event_id_of(text: str) -> str:
    """Eventbrite's event id: the digits, or the number at the end of the event's address."""
    text = text.strip()
    if text.isdigit():
        return text
    found = re.search(r"(\d{6,})/?(?:\?.*)?$", text)
    if found and text.startswith(("http://", "https://")):
        return found.group(1)
    raise EventbriteError(
        f"{text!r} is not an Eventbrite event id: give the number at the end of the event's address."
    )


def base_url() -> str:
    """Eventbrite's API address (CHECKIN_EVENTBRITE_URL for tests); the token never goes over plain
    http except to this computer."""
    url = (os.environ.get(URL_VARIABLE) or DEFAULT_URL).rstrip("/")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return url
    raise EventbriteError(f"{URL_VARIABLE} must be an https:// address (plain http only for this computer).")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


Opener = Callable[[urllib.request.Request, float], Any]


def _open(request: urllib.request.Request, timeout: float) -> Any:
    return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 - the scheme is checked


def fetch_attendees(
    event_id: str,
    token: str,
    *,
    base: str,
    changed_since: str | None = None,
    timeout: float = TIMEOUT,
    opener: Opener = _open,
) -> tuple[list[dict[str, Any]], int]:
    """Every attendee of the event (changed since the time given), following `continuation` while
    `pagination.has_more_items`; returns (attendees, pages). Raises EventbriteError."""
    attendees: list[dict[str, Any]] = []
    continuation: str | None = None
    seen: set[str] = set()
    for page in range(1, MAX_PAGES + 1):
        query = {}
        if changed_since:
            query["changed_since"] = changed_since
        if continuation:
            query["continuation"] = continuation
        url = f"{base}/v3/events/{urllib.parse.quote(event_id)}/attendees/"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        document = _get(url, token, event_id, page, timeout, opener)
        pagination, found = _page(document, page)
        attendees += found
        if not pagination.get("has_more_items"):
            return attendees, page
        continuation = pagination.get("continuation")
        if not isinstance(continuation, str) or not continuation or continuation in seen:
            raise EventbriteError(
                f"Eventbrite's answer could not be read (page {page} says more follow but not where)."
            )
        seen.add(continuation)
    raise EventbriteError(f"Eventbrite sent more than {MAX_PAGES} pages of attendees; stopped.")


def _get(url: str, token: str, event_id: str, page: int, timeout: float, opener: Opener) -> Any:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    # Unredirected: a redirect to another host does not take the token with it.
    request.add_unredirected_header("Authorization", f"Bearer {token}")
    try:
        with opener(request, timeout) as response:
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        error.close()
        raise _refusal(error.code, event_id) from None
    except urllib.error.URLError as error:
        reason = error.reason
        text = reason.strerror if isinstance(reason, OSError) and reason.strerror else str(reason)
        raise EventbriteError(f"Eventbrite cannot be reached ({text}); nothing was changed.") from None
    except (OSError, http.client.HTTPException) as error:  # timeouts, resets, a connection cut mid-answer
        text = getattr(error, "strerror", None) or type(error).__name__
        raise EventbriteError(f"Eventbrite cannot be reached ({text}); nothing was changed.") from None
    if len(body) > MAX_BYTES:
        raise EventbriteError(f"Eventbrite's answer could not be read (page {page} is too large).")
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise EventbriteError(f"Eventbrite's answer could not be read (page {page} is not JSON).") from None


def _refusal(status: int, event_id: str) -> EventbriteError:
    if status == 401:
        return EventbriteError(
            f"Eventbrite refused the token: check the private token in {TOKEN_VARIABLE} or the system keyring."
        )
    if status == 403:
        return EventbriteError(
            f"Eventbrite refused the token for event {event_id}: it belongs to another account."
        )
    if status == 404:
        return EventbriteError(f"Eventbrite has no event {event_id} (check the id).")
    if status == 429:
        return EventbriteError("Eventbrite asks to wait (too many requests); try again in a few minutes.")
    if status >= 500:
        return EventbriteError(f"Eventbrite is having trouble (HTTP {status}); try again later.")
    return EventbriteError(f"Eventbrite refused the request (HTTP {status}).")


def _page(document: Any, page: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if not isinstance(document, dict):
        raise EventbriteError(f"Eventbrite's answer could not be read (page {page} is not an attendee list).")
    pagination = document.get("pagination") or {}
    attendees = document.get("attendees")
    if not isinstance(pagination, dict) or not isinstance(attendees, list):
        raise EventbriteError(f"Eventbrite's answer could not be read (page {page} is not an attendee list).")
    if not all(isinstance(attendee, dict) for attendee in attendees):
        raise EventbriteError(
            f"Eventbrite's answer could not be read (page {page} has a malformed attendee)."
        )
    return pagination, attendees


# ---- attendees as delegate rows -------------------------------------------------------------------


def _text(value: Any) -> str:
    return clean(value) if isinstance(value, str | int | float) else ""


def attendee_row(number: int, attendee: dict[str, Any]) -> DelegateRow | None:
    """An attendee as the CSV import would read their row; None without a name or an email."""
    profile = attendee.get("profile")
    profile = profile if isinstance(profile, dict) else {}
    first, last = _text(profile.get("first_name")), _text(profile.get("last_name"))
    if not (first or last):
        first, last = split_full_name(_text(profile.get("name")))
    email = normalise_email(_text(profile.get("email")))
    if not (first or last or email):
        return None
    row = DelegateRow(
        line=number,
        first_name=first,
        last_name=last,
        email=email,
        organisation=_text(profile.get("company")),
        job_title=_text(profile.get("job_title")),
        phone=_text(profile.get("cell_phone")) or _text(profile.get("work_phone")),
    )
    for barcode in attendee.get("barcodes") or []:
        code = "".join(_text(barcode.get("barcode")).split()) if isinstance(barcode, dict) else ""
        if code and ("eventbrite", code) not in row.codes:
            row.codes.append(("eventbrite", code))
    if attendee.get("refunded") is True:
        row.status, row.status_reason = RegistrationStatus.CANCELLED, "refunded"
    elif attendee.get("cancelled") is True:
        row.status, row.status_reason = RegistrationStatus.CANCELLED, "cancelled"
    else:
        row.status, row.status_reason = parse_status(_text(attendee.get("status")), "attendee status")
    for answer in attendee.get("answers") or []:
        if not isinstance(answer, dict):
            continue
        question, value = _text(answer.get("question")), _text(answer.get("answer"))
        if not (question and value):
            continue
        # A question asking for a delegate field fills it (as its column would in the CSV export),
        # unless the profile already did; anything else is kept with the booking.
        field, _rank = classify_heading(heading_key(question))
        if field in DELEGATE_FIELDS and field != "email":
            if field in ("access_needs", "dietary_needs") and not meaningful_need(value):
                continue
            if not getattr(row, field):
                setattr(row, field, value)
            continue
        row.answers[question] = value
    return row


def delegate_list(event_id: str, attendees: list[dict[str, Any]]) -> DelegateList:
    rows, skipped = [], []
    for number, attendee in enumerate(attendees, start=1):
        row = attendee_row(number, attendee)
        if row is None:
            skipped.append(_text(attendee.get("id")) or f"#{number}")
        else:
            rows.append(row)
    errors = []
    if skipped:
        shown = ", ".join(skipped[:10]) + (", ..." if len(skipped) > 10 else "")
        errors.append(
            f"{len(skipped)} attendee{'s' if len(skipped) > 1 else ''} with neither a name nor an email "
            f"{'were' if len(skipped) > 1 else 'was'} skipped (Eventbrite attendee {shown})."
        )
    nameless = sum(1 for row in rows if not (row.first_name or row.last_name))
    warnings = (
        [
            f"{nameless} attendee{'s' if nameless > 1 else ''} had an email but no name; add the names before printing badges."
        ]
        if nameless
        else []
    )
    return DelegateList(
        path=Path(f"event {event_id}"),
        format="eventbrite",
        headers=[],
        column_mapping={},
        rows=rows,
        data_rows=len(attendees),
        warnings=warnings,
        errors=errors,
    )


# ---- a pull ---------------------------------------------------------------------------------------


def _state_key(event_id: str) -> str:
    return f"eventbrite:{event_id}:pulled_at"


def pull_eventbrite(
    db: OrmSession,
    event_id: str,
    session: Session,
    *,
    token: str,
    desk: str = "",
    clock: Clock = utc_now,
    timeout: float = TIMEOUT,
    opener: Opener = _open,
) -> PullReport:
    """Read the event's attendees (only those changed since the last successful pull of this event) and
    apply them to the session as an import does. All or nothing: Eventbrite is read in full first, and
    any EventbriteError leaves the database as it was. The caller commits."""
    event_id = event_id_of(event_id)
    base = base_url()
    started = clock()
    last = read_state(db, _state_key(event_id))
    changed_since = (
        (datetime.fromisoformat(last) - OVERLAP).astimezone(UTC).strftime(_CHANGED_SINCE_FORMAT)
        if last
        else None
    )
    attendees, pages = fetch_attendees(
        event_id, token, base=base, changed_since=changed_since, timeout=timeout, opener=opener
    )
    report = apply_delegate_list(
        db, delegate_list(event_id, attendees), session, desk=desk, clock=clock, complete=last is None
    )
    # Only now: a pull that failed is asked for again in full next time.
    write_state(db, _state_key(event_id), started.astimezone(UTC).isoformat())
    return PullReport(event_id, len(attendees), pages, changed_since, report)
