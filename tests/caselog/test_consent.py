"""`case consent PUPIL ja|nei`: the parents' consent to a referral, an event in the case log."""

from __future__ import annotations

from datetime import date

import pytest
from caselog_backends import Backend

from naervaer_cli.caselog.events import EventType


@pytest.fixture(autouse=True)
def recorder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NAERVAER_BY", "Kari Lærer")


def test_consent_yes_then_no_is_kept_as_events(cli, known, caselog: Backend) -> None:
    known("10234")
    assert cli("case", "open", "10234", "--date", "02.11.2026").code == 0
    r = cli("case", "consent", "-v", "10234", "ja", "--date", "2026-11-05")
    assert (r.code, r.out, r.err) == (
        0,
        "Samtykke registrert for elev 10234 (05.11.2026): ja; saken drøftes med navn i "
        "ressursteamet.\n",
        "",
    )
    r = cli("case", "consent", "-v", "10234", "nei", "--date", "2026-11-06", "-t", "Mor trakk det")
    assert r.out == (
        "Samtykke registrert for elev 10234 (06.11.2026): nei; saken drøftes anonymt i "
        "ressursteamet.\n"
    )
    shown = cli("case", "show", "10234").out
    assert "05.11.2026  Samtykke fra foresatte – ja (Kari Lærer)" in shown
    assert "06.11.2026  Samtykke fra foresatte – nei – Mor trakk det (Kari Lærer)" in shown

    with caselog.open() as store:
        consents = [e for e in store.timeline("10234") if e.type is EventType.CONSENT]
    assert [(e.date, e.consent) for e in consents] == [
        (date(2026, 11, 5), True),
        (date(2026, 11, 6), False),
    ]


def test_consent_needs_an_open_case_and_a_known_answer(cli, known, caselog: Backend) -> None:
    known("10234")
    r = cli("case", "consent", "10234", "ja")
    assert (r.code, r.err) == (
        2,
        "Feil: Elev 10234 har ingen åpen sak. Åpne en med «naervaer case open 10234».\n",
    )
    assert cli("case", "open", "10234").code == 0
    r = cli("case", "consent", "10234", "kanskje")
    assert r.code == 2
    assert "kanskje" in r.err
