"""Composed mails: golden text and HTML, escaping, pseudonyms, subjects, template overrides."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from mail_fixtures import (
    absence,
    gym,
    mail_table,
    make_config,
    pupil,
    school_result,
    standard_result,
)

from golden_files import check_golden
from naervaer_cli.config import Config
from naervaer_cli.errors import InputError
from naervaer_cli.mail.compose import initials, pupil_label
from naervaer_cli.mail.notify import notify
from naervaer_cli.mail.sentlog import SentLog
from naervaer_cli.mail.settings import load_mail_settings
from naervaer_cli.mail.staff import load_staff
from naervaer_cli.mail.transport import EmlDirMailer
from naervaer_cli.result import ScanResult

GOLDEN = Path(__file__).parent / "golden"
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def dry_run(config: Config, result: ScanResult, out: Path) -> list:
    settings = load_mail_settings(config, for_sending=False)
    with SentLog.in_home(config.home) as log:
        notify(
            result,
            config=config,
            settings=settings,
            staff=load_staff(config),
            mailer=EmlDirMailer(out),
            sent_log=log,
            now=NOW,
            record=False,
        )
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(p.read_bytes()) for p in sorted(out.iterdir())]


def body(message, kind: str) -> str:
    return message.get_body((kind,)).get_content()


def test_golden_kontaktlaerer_and_leadership_mail(naervaer_home: Path, tmp_path: Path) -> None:
    mails = dry_run(make_config(naervaer_home, mail_table()), standard_result(), tmp_path / "out")

    kari, boss = mails[0], mails[2]
    assert kari["To"] == "kari@skole.no" and boss["To"] == "rektor@skole.no"
    check_golden(GOLDEN / "kontaktlaerer.txt", body(kari, "plain"))
    check_golden(GOLDEN / "kontaktlaerer.html", body(kari, "html"))
    check_golden(GOLDEN / "ledelse.txt", body(boss, "plain"))
    check_golden(GOLDEN / "ledelse.html", body(boss, "html"))


def test_the_scans_notes_reach_both_mails(naervaer_home: Path, tmp_path: Path) -> None:
    """What the scan could not see (here: data that start inside the window) is said in the
    kontaktlærer's and the leadership's mail, escaped in HTML."""
    from dataclasses import replace

    note = "Dataene starter 09.11.2026, etter vinduets første skoledag 26.10.2026: <for lave>."
    result = replace(standard_result(), notes=(note,))
    mails = dry_run(make_config(naervaer_home, mail_table()), result, tmp_path / "out")

    kari, boss = mails[0], mails[2]
    for mail in (kari, boss):
        text = body(mail, "plain")
        assert f"til og med 20.11.2026.\nMerk: {note}\n\n" in text
        html = body(mail, "html")
        assert "Merk: Dataene starter 09.11.2026" in html and "&lt;for lave&gt;" in html
    plain = dry_run(make_config(naervaer_home, mail_table()), standard_result(), tmp_path / "out2")
    assert "Merk:" not in body(plain[0], "plain")


def test_values_from_an_export_are_escaped_in_html_only(
    naervaer_home: Path, tmp_path: Path
) -> None:
    evil = '<img src=x onerror="alert(1)">'
    result = school_result(pupil("1", "Nordmann, Ola", "7A", f"Kari {evil}", gym(4, 11)))
    config = make_config(naervaer_home, mail_table(leadership=["rektor@skole.no"]))

    boss = dry_run(config, result, tmp_path / "out")[0]

    html, text = body(boss, "html"), body(boss, "plain")
    assert evil not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    assert evil in text  # plain text is not HTML: it stays as written


def test_a_group_name_with_a_line_break_cannot_inject_headers(
    naervaer_home: Path, tmp_path: Path
) -> None:
    result = school_result(pupil("1", "A, B", "7A\r\nBcc: x@evil.no", "Kari Lærer", gym(4, 11)))

    kari = dry_run(make_config(naervaer_home, mail_table()), result, tmp_path / "out")[0]

    assert kari["Bcc"] is None
    assert kari["Subject"] == "Nærvær uke 47: 1 elev å følge opp (7A Bcc: x@evil.no)"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Nordmann, Ola", "O.N."),
        ("Ola Nordmann", "O.N."),
        ("Bakke, Jonas Emil", "J.E.B."),
        ("Øye, Åse", "Å.Ø."),
        ("", ""),
    ],
)
def test_initials(name: str, expected: str) -> None:
    assert initials(name) == expected


def test_pupil_label_full_name_only_when_asked() -> None:
    ola = pupil("10234", "Nordmann, Ola", "7A", None, absence(8))
    assert pupil_label(ola, full_names=False) == "O.N. (7A, 10234)"
    assert pupil_label(ola, full_names=True) == "Ola Nordmann (7A, 10234)"


def test_barnehage_mails_say_barn_ped_leder_and_styrer(naervaer_home: Path, tmp_path: Path) -> None:
    result = school_result(pupil("1", "A, B", "Blåbær", "Kari Lærer", absence(8)))
    result = ScanResult(result.as_of, 28, "aas", "barnehage", result.pupils, labels=result.labels)

    kari, boss = dry_run(make_config(naervaer_home, mail_table()), result, tmp_path / "out")

    assert kari["Subject"] == "Nærvær uke 47: 1 barn å følge opp (Blåbær)"
    assert body(boss, "plain").startswith("Til styrer ved Åsgård skole,")
    assert '<th style="padding:4px 10px 4px 0">Ped.leder</th>' in body(boss, "html")


def test_override_template_in_home_wins(naervaer_home: Path, tmp_path: Path) -> None:
    folder = naervaer_home / "templates" / "mail"
    folder.mkdir(parents=True)
    (folder / "kontaktlaerer.txt.j2").write_text(
        "Til {{ recipient_name }}: {{ count_text }} & mer.\n"
        '{% for p in pupils %}{% include "shipped/mail/_elev.txt.j2" %}{% endfor %}',
        encoding="utf-8",
    )
    result = school_result(pupil("1", "Nordmann, Ola", "7A", "Kari Lærer", absence(8)))

    kari = dry_run(make_config(naervaer_home, mail_table()), result, tmp_path / "out")[0]

    assert body(kari, "plain").startswith("Til Kari Lærer: 1 elev & mer.\n")
    assert "O.N. (7A, 1)" in body(kari, "plain")
    assert "Hei Kari Lærer," in body(kari, "html")  # the shipped HTML part still applies


def test_a_broken_override_template_is_one_clear_error(naervaer_home: Path, tmp_path: Path) -> None:
    folder = naervaer_home / "templates" / "mail"
    folder.mkdir(parents=True)
    (folder / "kontaktlaerer.txt.j2").write_text("Hei {{ mottaker }}\n", encoding="utf-8")
    result = school_result(pupil("1", "Nordmann, Ola", "7A", "Kari Lærer", absence(8)))

    with pytest.raises(InputError, match="kontaktlaerer.txt.j2"):
        dry_run(make_config(naervaer_home, mail_table()), result, tmp_path / "out")
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_pupils_sorted_by_status_then_days_and_watch_flags_name_the_guide_limit() -> None:
    from mail_fixtures import absence, gym, pupil, school_result

    from naervaer_cli.mail.compose import flag_terms, views

    result = school_result(
        pupil("1", "Aas, Anne", "7A", "Kari Lærer", absence(5, severity="watch")),
        pupil("2", "Berg, Bo", "7A", "Kari Lærer", gym(4, 11)),
        pupil("3", "Dahl, Dag", "7A", "Kari Lærer", absence(9)),
    )
    shown = views(result.pupils, {}, False, result.labels, **flag_terms(result))
    assert [v.pupil_id for v in shown] == ["3", "2", "1"]
    assert (
        shown[2].flags[0].text
        == "Fraværsdager: 5 dager med fravær siste 4 uker – nærmer seg grensen (7)"
    )
    assert (
        shown[0].flags[0].text
        == "Fraværsdager: 9 dager med fravær siste 4 uker – veilederens grense er 7"
    )


def test_summary_overview_counts_levels_and_lists_overdue_evaluations() -> None:
    from mail_fixtures import NIVA1, absence, pupil, school_result

    from naervaer_cli.mail.compose import LevelRow, OverdueRow, level_rows, overdue_rows
    from naervaer_cli.result import CaseSummary

    case = CaseSummary("2", 1, date(2026, 10, 1), evaluation_due=date(2026, 11, 12))
    result = school_result(
        pupil("1", "Aas, Anne", "7A", "Kari Lærer", absence(8)),
        pupil(
            "2",
            "Berg, Bo",
            "7B",
            "Per Lærer",
            absence(5, severity="watch"),
            suggestion=NIVA1,
            case=case,
        ),
    )
    assert level_rows(result) == (LevelRow(0, 1, 0), LevelRow(1, 0, 1))
    assert overdue_rows(result, False) == (
        OverdueRow("B.B. (7B, 2)", 1, "12.11.2026", "Per Lærer"),
    )
