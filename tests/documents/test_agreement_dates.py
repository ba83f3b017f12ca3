"""The samarbeidsavtale states the case log's facts: each measure's own decided and evaluation
dates, not the meeting's; measures agreed at the meeting get blank rows, never a guessed date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from lxml import html

from naervaer_cli.caselog.store import CaseStore

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "ist_fravaer.csv"


def log_two_measures(home: Path) -> None:
    """A real SQLite case log: two measures decided on different days, one evaluation passed."""
    with CaseStore(home / "caselog.sqlite") as store:
        store.open_case("10229", setting="skole", day=date(2026, 11, 2), by="Terje Nygård")
        store.change_level("10229", day=date(2026, 11, 3), by="Terje Nygård", level=1)
        store.add_measure(
            "10229",
            day=date(2026, 11, 3),
            by="Terje Nygård",
            text="Mor følger Jonas til skolen",
            responsible="Foresatte",
            evaluation_date=date(2026, 11, 17),
        )
        store.add_measure(
            "10229",
            day=date(2026, 11, 12),
            by="Terje Nygård",
            text="Fast samtale hver mandag",
            responsible="Kontaktlærer",
        )


def agreement_rows(path: Path, heading: str) -> list[list[str]]:
    """The cells of the samarbeidsavtale's table under `heading`, row by row."""
    root = html.fromstring(path.read_bytes())
    (section,) = root.xpath('//section[@data-document="samarbeidsavtale"]')
    (table,) = section.xpath(f'.//h2[normalize-space()="{heading}"]/following-sibling::table[1]')
    return [
        [" ".join(td.text_content().split()) for td in tr.findall("td")] for tr in table.iter("tr")
    ]


def test_each_measure_runs_from_its_own_decision(cli, tmp_path: Path, naervaer_home: Path) -> None:
    log_two_measures(naervaer_home)
    out = tmp_path / "ut"
    run = cli(
        "pack",
        "10229",
        "-i",
        SAMPLE,
        "-o",
        out,
        "--meeting",
        "2026-11-26",
        "-d",
        "samarbeidsavtale",
    )
    assert (run.code, run.err) == (0, "")
    page = out / "elev-10229.html"
    assert agreement_rows(page, "Tiltak vi er enige om") == [
        [],  # the header row: <th> cells
        ["Mor følger Jonas til skolen", "Foresatte", "03.11.2026", "17.11.2026"],
        # Skole: evaluated three weeks after it was decided, as the log stored it.
        ["Fast samtale hver mandag", "Kontaktlærer", "12.11.2026", "03.12.2026"],
        # Measures agreed at this meeting are not in the log yet: written in by hand.
        ["", "", "", ""],
        ["", "", "", ""],
    ]
    who = agreement_rows(page, "Hvem gjør hva")
    assert ["Foresatte", "Mor følger Jonas til skolen", "fra 03.11.2026, evalueres 17.11.2026"] in (
        who
    )
    assert [
        "Kontaktlærer",
        "Fast samtale hver mandag",
        "fra 12.11.2026, evalueres 03.12.2026",
    ] in who
