"""Badge codes: their alphabet and strength, forgery, and repair of keyboard-layout damage."""

import random
from collections import Counter

import pytest

from checkin.domain.codes import (
    ALPHABET,
    CODE_LENGTH,
    CodeKind,
    lookup_key,
    new_badge_code,
    new_badge_codes,
    new_signing_key,
    read_code,
    suspected_layout,
    verifies,
)

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))

# What a US-configured scanner's key presses produce on other layouts (for the characters of our codes).
AS_TYPED_ON = {
    "de": str.maketrans({"Y": "Z", "Z": "Y"}),
    "fr": str.maketrans(
        {
            **dict(zip("1234567890", "&é\"'(-è_çà", strict=True)),
            "A": "Q",
            "Q": "A",
            "Z": "W",
            "W": "Z",
            "M": "?",
        }
    ),
    "uk": str.maketrans({}),
}


def no_external(_lookup: str) -> bool:
    return False


def test_codes_are_digits_and_capitals_with_80_random_bits():
    codes = {new_badge_code(KEY) for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert len(code) == CODE_LENGTH
        assert set(code) <= set(ALPHABET) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    # 18 characters of a 26-symbol alphabet carry the randomness: more than 80 bits.
    assert len(ALPHABET) ** 18 > 2**84
    first_chars = {code[0] for code in codes}
    assert first_chars == set(ALPHABET)  # every symbol turns up: the random part is not biased to a few


def test_the_alphabet_leaves_out_letters_that_keyboard_layouts_move_or_people_misread():
    assert not set("AQWZYMILOU") & set(ALPHABET)


def test_a_code_verifies_only_under_its_own_programme_key():
    code = new_badge_code(KEY)
    assert verifies(code, KEY)
    assert not verifies(code, OTHER_KEY)


def test_ten_thousand_random_codes_are_never_taken_for_badges():
    rng = random.Random(7)
    for _ in range(10_000):
        forged = "".join(rng.choice(ALPHABET) for _ in range(CODE_LENGTH))
        assert read_code(forged, [KEY], no_external).kind is not CodeKind.BADGE


def test_ten_thousand_one_character_alterations_of_real_codes_are_refused():
    rng = random.Random(11)
    altered = 0
    while altered < 10_000:
        code = new_badge_code(KEY, token_bytes=rng.randbytes)
        position = rng.randrange(CODE_LENGTH)
        replacement = rng.choice(ALPHABET.replace(code[position], ""))
        mutant = code[:position] + replacement + code[position + 1 :]
        assert read_code(mutant, [KEY], no_external).kind is CodeKind.INVALID, (code, mutant)
        altered += 1


@pytest.mark.parametrize("layout", ["de", "fr", "uk"])
def test_scanner_text_damaged_by_a_keyboard_layout_is_repaired(layout):
    rng = random.Random(layout)
    for _ in range(200):
        code = new_badge_code(KEY, token_bytes=rng.randbytes)
        damaged = code.translate(AS_TYPED_ON[layout])
        read = read_code(damaged, [KEY], no_external)
        assert read.kind is CodeKind.BADGE
        assert read.code == code
        if damaged != code:
            assert read.layout == layout


def test_french_damage_repairs_a_code_full_of_digits():
    code = next(c for c in (new_badge_code(KEY) for _ in range(10_000)) if sum(ch.isdigit() for ch in c) >= 8)
    damaged = code.translate(AS_TYPED_ON["fr"])
    assert not any(ch.isdigit() for ch in damaged)
    assert read_code(damaged, [KEY], no_external).code == code


def test_lower_case_surrounding_space_and_control_characters_do_not_matter():
    code = new_badge_code(KEY)
    read = read_code(f"  {code.lower()}\r\n\x1d", [KEY], no_external)
    assert (read.kind, read.code) == (CodeKind.BADGE, code)


def test_a_code_that_arrived_with_digits_is_not_read_as_french_damage():
    code = new_badge_code(KEY)
    digit_at = next(i for i, ch in enumerate(code) if ch.isdigit())
    french = code[digit_at].translate(AS_TYPED_ON["fr"])
    one_symbol = code[:digit_at] + french + code[digit_at + 1 :]
    if any(ch.isdigit() for ch in one_symbol):
        assert read_code(one_symbol, [KEY], no_external).kind is CodeKind.INVALID


def test_a_repair_that_does_not_verify_is_not_accepted():
    code = new_badge_code(KEY)
    broken = code.translate(AS_TYPED_ON["fr"])[:-1] + ("A" if code[-1] != "A" else "B")
    assert read_code(broken, [KEY], no_external).kind is CodeKind.INVALID


def test_external_codes_resolve_case_insensitively_and_platform_shapes_are_well_formed():
    known = {"ABCD-1", "12345678901234567890"}
    assert read_code("abcd-1", [KEY], known.__contains__) == read_code("ABCD-1 ", [KEY], known.__contains__)
    assert read_code("abcd-1", [KEY], known.__contains__).kind is CodeKind.EXTERNAL
    assert read_code("99999999999999999999", [KEY], known.__contains__).kind is CodeKind.WELL_FORMED
    assert read_code("hello world", [KEY], known.__contains__).kind is CodeKind.INVALID
    secret = "abcdefghjkmnpqrstuvwxyz234567892"
    assert read_code(secret, [KEY], no_external).kind is CodeKind.WELL_FORMED
    assert lookup_key(" ab cd-1 ") == "ABCD-1"


def test_an_external_code_damaged_by_a_german_layout_is_repaired_only_when_known():
    known = {"ZXYA-3"}
    read = read_code("YXZA-3", [KEY], known.__contains__)
    assert (read.kind, read.code, read.layout) == (CodeKind.EXTERNAL, "ZXYA-3", "de")


def test_signing_keys_are_random():
    assert new_signing_key() != new_signing_key()
    assert len(new_signing_key()) == 32


def _signature_as_first_released(key: bytes, random_part: str) -> str:
    """How version 0.1 signed codes (one base-26 digit at a time): badges printed then must still verify."""
    import hashlib
    import hmac

    value = int.from_bytes(hmac.new(key, random_part.encode("ascii"), hashlib.sha256).digest()[:8], "big")
    digits = []
    for _ in range(7):
        value, digit = divmod(value, len(ALPHABET))
        digits.append(ALPHABET[digit])
    return "".join(reversed(digits))


def test_badges_printed_by_the_first_release_still_verify():
    rng = random.Random(3)
    for _ in range(2000):
        random_part = "".join(rng.choice(ALPHABET) for _ in range(18))
        old_code = random_part + _signature_as_first_released(KEY, random_part)
        assert verifies(old_code, KEY)
        assert read_code(old_code, [KEY], no_external).kind is CodeKind.BADGE


def test_codes_made_in_bulk_are_distinct_valid_and_use_every_symbol_evenly():
    codes = new_badge_codes(KEY, 20_000, token_bytes=random.Random(5).randbytes)
    assert len(set(codes)) == 20_000
    assert all(len(code) == CODE_LENGTH and verifies(code, KEY) for code in codes)
    counts = Counter("".join(code[:18] for code in codes))
    expected = 20_000 * 18 / len(ALPHABET)
    # 360,000 characters: each symbol within 5% of its share (6 standard deviations; a byte-remainder
    # mapping that kept the bytes above 233 would favour the first 22 symbols by 11%).
    assert set(counts) == set(ALPHABET)
    assert all(abs(count - expected) < 0.05 * expected for count in counts.values()), counts


def test_a_layout_mismatch_leaves_traces_the_scanner_test_names():
    assert suspected_layout('ann"example.org') == "uk"
    assert suspected_layout("ßlide-Köln") == "de"
    assert suspected_layout("&é\"'(-è_çà") == "fr"
    assert suspected_layout("K7Q2M9X4PZ3R8TQW") == ""
    assert suspected_layout("") == ""
