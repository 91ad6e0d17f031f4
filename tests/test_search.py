"""Search as you type: any part of a name, organisation or email; accents, case and apostrophes ignored."""

import pytest
from factories import book, make_session, new_database

from checkin.desk.search import search


@pytest.fixture
def searchable_session(tmp_path):
    database = new_database(tmp_path)
    with database.session() as db:
        session = make_session(db)
        book(db, session, "Zoë", "O'Neill", "Preston City Council", "zoe.oneill@preston.gov.uk")
        book(db, session, "Siobhán", "Ó Súilleabháin", "NHS Lancashire", "s.osuilleabhain@nhs.net")
        book(
            db,
            session,
            "Oliver",
            "Ashworth",
            "Lancashire Constabulary",
            "oliver.ashworth@lancashire.police.uk",
        )
        book(db, session, "Nasir", "Hashmi", "Citizens Advice", "nasir@citizensadvice.org.uk")
        book(db, session, "Anna", "Smith-Jones", "Preston Foodbank", "anna@foodbank.org")
        other = make_session(db, "LAN-1903", "Lancaster Town Hall")
        book(db, other, "Zoe", "Elsewhere", "Lancaster City Council", "zoe@lancaster.gov.uk")
        db.commit()
        yield db, session


def names(hits):
    return [f"{hit.first_name} {hit.last_name}" for hit in hits]


def test_accents_case_and_apostrophes_are_ignored(searchable_session):
    db, session = searchable_session
    assert names(search(db, "zoe", session.id)) == ["Zoë O'Neill"]
    assert names(search(db, "ONEILL", session.id)) == ["Zoë O'Neill"]
    assert names(search(db, "o'neill zo", session.id)) == ["Zoë O'Neill"]
    assert names(search(db, "suilleabhain", session.id)) == ["Siobhán Ó Súilleabháin"]
    assert names(search(db, "smithjones", session.id)) == ["Anna Smith-Jones"]


def test_surnames_that_start_with_the_text_come_before_matches_elsewhere(searchable_session):
    db, session = searchable_session
    # "ash": Ashworth by surname first; then Hashmi (inside a surname) and the Lancashire organisations.
    found = names(search(db, "ash", session.id))
    assert found[0] == "Oliver Ashworth"
    assert set(found[1:]) == {"Nasir Hashmi", "Siobhán Ó Súilleabháin"}


def test_organisation_and_email_match_and_every_word_must_match(searchable_session):
    db, session = searchable_session
    assert names(search(db, "foodbank", session.id)) == ["Anna Smith-Jones"]
    assert names(search(db, "nhs.net", session.id)) == ["Siobhán Ó Súilleabháin"]
    assert names(search(db, "lancashire oliver", session.id)) == ["Oliver Ashworth"]
    assert search(db, "lancashire zoe", session.id) == []


def test_short_text_and_odd_characters_are_safe(searchable_session):
    db, session = searchable_session
    assert names(search(db, "an", session.id))[:1] == ["Anna Smith-Jones"]
    for text in ['"', "%", "_", "\\", "' OR 1=1 --", '"ash" OR "x"', "   "]:
        search(db, text, session.id)  # never an error
    assert search(db, "%", session.id) == []


def test_search_stays_within_the_session_unless_asked_wider(searchable_session):
    db, session = searchable_session
    assert names(search(db, "zoe", session.id)) == ["Zoë O'Neill"]
    assert sorted(names(search(db, "zoe"))) == ["Zoe Elsewhere", "Zoë O'Neill"]
