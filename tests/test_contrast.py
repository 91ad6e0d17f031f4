"""Every colour pairing of both themes reads at WCAG 2.2 AA, computed from the palette itself."""

import re
from pathlib import Path

import pytest

from ui.base.palette import (
    DECORATION,
    HIGH_CONTRAST,
    LEAST_CONTRAST,
    NORMAL,
    READINGS,
    ROLES,
    contrast,
    resolve,
)

UI = Path(__file__).resolve().parent.parent / "ui"
RULE = re.compile(r"\{+([^{}]*)\}+")
INK = re.compile(r"(?<![-\w])color:\s*\$(\w+)")
GROUND = re.compile(r"(?<![-\w])background:\s*\$(\w+)")
FOCUS_RULE = re.compile(r":focus[^{]*\{+([^{}]*)\}+")
FOCUS_COLOUR = re.compile(r"(?:border[-\w]*|background):[^;]*?\$(\w+)")


def test_known_ratios_come_out_as_wcag_says():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


@pytest.mark.parametrize("palette", [NORMAL, HIGH_CONTRAST], ids=["normal", "high contrast"])
def test_every_reading_of_the_theme_has_enough_contrast(palette):
    too_faint = []
    for ink, ground, use in READINGS:
        ink_colour, ground_colour = palette.role(ink), resolve(palette, ground)
        ratio = contrast(ink_colour, ground_colour)
        if ratio < LEAST_CONTRAST[use]:
            too_faint.append(
                f"{ink} {ink_colour} on {ground} {ground_colour}: {ratio:.2f} < {LEAST_CONTRAST[use]}"
            )
    assert not too_faint, "\n".join(too_faint)


def test_every_role_is_read_somewhere_or_only_decorates():
    """A new colour cannot slip past the contrast check: it is paired with what it sits on, or declared an
    edge or a fill without meaning."""
    read = {role for ink, ground, _use in READINGS for role in (ink, *ground.split(" over "))}
    assert set(ROLES) - read - DECORATION == set()
    assert read <= set(ROLES) and set(ROLES) >= DECORATION
    assert not read & DECORATION, "a role that is read is not decoration"


def _style_sheet_rules() -> list[tuple[Path, str]]:
    return [(path, rule) for path in sorted(UI.rglob("*.py")) for rule in RULE.findall(path.read_text())]


def test_the_style_sheets_put_words_only_on_grounds_the_palette_checks():
    pairs = {(ink, ground) for ink, ground, _use in READINGS}
    seen, unchecked = 0, []
    for path, rule in _style_sheet_rules():
        inks, grounds = INK.findall(rule), GROUND.findall(rule)
        for ink in inks:
            for ground in grounds:
                seen += 1
                if (ink, ground) not in pairs:
                    unchecked.append(f"{path.relative_to(UI.parent)}: {ink} on {ground}")
    assert seen > 10, "the style sheets were not found"
    assert not unchecked, "\n".join(unchecked)


def test_focus_indicators_are_drawn_in_colours_checked_at_three_to_one():
    graphic = {ink for ink, ground, use in READINGS if use == "graphic" and ground == "surface"}
    focus_colours = {
        (path.relative_to(UI.parent), colour)
        for path in sorted(UI.rglob("*.py"))
        for rule in FOCUS_RULE.findall(path.read_text())
        for colour in FOCUS_COLOUR.findall(rule)
    }
    assert focus_colours, "no focus style found in the style sheets"
    assert not {f"{path}: {colour}" for path, colour in focus_colours if colour not in graphic}


# -- colour is never the only signal --------------------------------------------------------------------


def _looks() -> dict[str, list[tuple[str, str, str]]]:
    """(colour role, symbol, words) of every state that has a colour: the desk's outcomes, roll-call's
    marks, the sync indicator."""
    from ui.desk.result_panel import LOOKS
    from ui.rollcall.view import LOOKS as MARK_LOOKS
    from ui.sync.status import CONNECTING, NO_HUB, OFFLINE, ONLINE

    sync = [
        (ink, symbol, words)
        for (symbol, ink, _ground), words in zip(
            (ONLINE, OFFLINE, CONNECTING, NO_HUB), ("Online", "Offline", "Connecting", "No hub"), strict=True
        )
    ]
    return {"desk": list(LOOKS.values()), "roll-call": list(MARK_LOOKS.values()), "sync": sync}


@pytest.mark.parametrize("where", ["desk", "roll-call", "sync"])
def test_states_of_different_colours_differ_in_symbol_and_words_too(where):
    looks = _looks()[where]
    symbols_by_colour: dict[str, set[str]] = {}
    for role, symbol, _words in looks:
        symbols_by_colour.setdefault(role, set()).add(symbol)
    colours = list(symbols_by_colour)
    for index, role in enumerate(colours):
        for other in colours[index + 1 :]:
            shared = symbols_by_colour[role] & symbols_by_colour[other]
            assert not shared, f"{role} and {other} share the symbol {shared}: colour alone tells them apart"
    words = [words for _role, _symbol, words in looks]
    assert len(set(words)) == len(words), "two states say the same words"
    assert all(symbol.strip() and words.strip() for _role, symbol, words in looks)
