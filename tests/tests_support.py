"""Small helpers the UI tests share."""

from checkin.models import Delegate
from checkin.registrations import refresh_search_key, register, session_by_code


def add_person(db, session_code: str, first: str, last: str, organisation: str = "Lancashire County Council"):
    session = session_by_code(db, session_code)
    delegate = Delegate(first_name=first, last_name=last, organisation=organisation)
    refresh_search_key(delegate)
    db.add(delegate)
    db.flush()
    registration = register(db, delegate, session)
    db.commit()
    return registration
