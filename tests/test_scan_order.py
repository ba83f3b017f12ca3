"""The scan's pupil order: the fast sort keys give the order of the full definitions."""

from __future__ import annotations

import unicodedata
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from naervaer_cli.calendar import SchoolCalendar
from naervaer_cli.policy import load_policy
from naervaer_cli.rules.sample import record, records
from naervaer_cli.scan import group_key, nordic_key, scan

POLICY = load_policy("aas")


def reference_key(text: str) -> str:
    """nordic_key by its definition: NFC, hold æøå, NFD, drop marks, æøå after z."""
    held = unicodedata.normalize("NFC", (text or "").casefold()).translate(
        str.maketrans({"æ": "\uf000", "ø": "\uf001", "å": "\uf002"})
    )
    bare = "".join(c for c in unicodedata.normalize("NFD", held) if not unicodedata.combining(c))
    return bare.translate(str.maketrans({"\uf000": "{", "\uf001": "|", "\uf002": "}"}))


LETTERS = "abzæøåÆØÅéÉèüÖäßñÇłŁđþ ,-" + "\u0301\u030a\u0308" + "ǅﬁİıΩ"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=LETTERS, max_size=10))
def test_nordic_key_fast_path_equals_the_definition(text: str) -> None:
    assert nordic_key(text) == reference_key(text)


def test_decomposed_letters_sort_like_composed_ones() -> None:
    assert nordic_key("A\u030ase") == nordic_key("Åse") == "}se"
    assert nordic_key("Émile") == "emile"


def test_groups_with_equal_keys_interleave_by_name() -> None:
    """7a and 7A are one place in the order; the names decide between their pupils."""
    rows = []
    people = [
        ("1", "Berg, Ola", "7A"),
        ("2", "Aas, Kari", "7a"),
        ("3", "Øst, Per", "7A"),
        ("4", "Dahl, Ida", "7a"),
        ("5", "Ås, Tor", "10B"),
        ("6", "Zahl, Eva", "2C"),
    ]
    for pid, name, group in people:
        who = {"pupil_id": pid, "name": name, "group": group, "contact": None}
        rows += [
            record(date(2026, 11, d), start="09:15", end="10:00", subject="KRØ", **who)
            for d in (16, 18)
        ]
    result = scan(records(rows), POLICY, calendar=SchoolCalendar())
    expected = sorted(people, key=lambda p: (group_key(p[2]), nordic_key(p[1]), p[0]))
    assert [p.pupil_id for p in result.pupils] == [p[0] for p in expected]
    assert [p.pupil_id for p in result.pupils] == ["6", "2", "1", "4", "3", "5"]
