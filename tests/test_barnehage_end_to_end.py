"""Barnehage end to end: the sample attendance log through scan, show, case, pack and notify.

Every command runs once through the real entry point on `sample_data/barnehage_tilstede.csv`
with a real NAERVAER_HOME (case log, config, .eml files). The tests then check the planted
patterns of sample_data/README.md and that no school word for a person reaches a barnehage
table, document or mail.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data" / "barnehage_tilstede.csv"
MEETING = "2026-11-26"

# The school's words for a person, whole words in any case. The inflected forms are here too:
# "eleven" is the guide's own «barnet/eleven», which a barnehage must not print either.
SCHOOL_WORDS = re.compile(
    r"(?<!\w)(elev|elever|eleven|elevene|elevens|kontaktlærer|kontaktlæreren|kontaktlærere"
    r"|klasse|klassen|klasser)(?!\w)",
    re.IGNORECASE,
)
TALK = "Snakk med barnet under hele prosessen."
CONFIG = """\
school = "Solsikken barnehage"
[case]
by = "Kari Ped"
[mail]
from = "Nærvær <naervaer@solsikken.no>"
leadership = ["styrer@solsikken.no"]
[mail.groups]
Maurtua = "Kari Ped"
[mail.staff]
"Kari Ped" = "kari@solsikken.no"
"""

# sample_data/README.md, `barnehage_tilstede.csv`: child → (status, {rule: (severity, count)}).
PLANTED = {
    "Rustad, Selma": ("concern", {"unnotified_absence": ("concern", 3)}),
    "Kolstad, Even": ("concern", {"pickup_dropoff": ("concern", 3)}),
    "Hagen, Ylva": ("concern", {"pickup_dropoff": ("concern", 2)}),
    "Hovland, Mats": ("watch", {"high_absence": ("watch", 6)}),
    "Haugen, Håkon": ("watch", {"high_absence": ("watch", 9)}),
    "Haugen, Ørjan": ("watch", {"high_absence": ("watch", 8)}),
}
NOT_FLAGGED = "Fjellheim, Oda"  # 6 days among the youngest: below their 90th percentile

TODAY = date(2026, 11, 20)  # after the samples' last date


@dataclass
class Story:
    """Everything the commands printed and wrote, by a name that says where it came from."""

    texts: dict[str, str] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)
    scan: dict = field(default_factory=dict)  # scan --format json, parsed
    ids: dict[str, str] = field(default_factory=dict)  # name → pupil id (keyed hash)
    files: dict[str, Path] = field(default_factory=dict)
    mails: list[EmailMessage] = field(default_factory=list)


class _Terminal(io.StringIO):
    """stderr as a terminal: the commands then say what they wrote."""

    def isatty(self) -> bool:
        return True


def _run(story: Story, name: str, *args: str | Path, tty: bool = False) -> str:
    """Run `naervaer ARGS` in-process; keep stdout and stderr under `name`."""
    from naervaer_cli.cli.app import main

    out, err = io.StringIO(), (_Terminal() if tty else io.StringIO())
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
    story.codes[name] = code
    story.texts[f"{name} (stdout)"] = out.getvalue()
    story.texts[f"{name} (stderr)"] = err.getvalue()
    return out.getvalue()


def docx_text(path: Path) -> str:
    """The text of every XML part a reader sees: body, footer, header and core properties."""
    with zipfile.ZipFile(path) as zf:
        parts = [
            n
            for n in zf.namelist()
            if n.endswith(".xml") and (n.startswith("word/") or n.startswith("docProps/"))
        ]
        assert "word/document.xml" in parts
        return "\n".join(zf.read(n).decode("utf-8") for n in sorted(parts))


def xlsx_text(path: Path) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    cells = [
        str(c)
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if c is not None
    ]
    return "\n".join([*wb.sheetnames, *cells])


def mail_text(message: EmailMessage) -> str:
    headers = [f"{k}: {v}" for k, v in message.items()]
    bodies = [
        part.get_content() for part in message.walk() if part.get_content_maintype() == "text"
    ]
    return "\n".join([*headers, *bodies])


def _terminal_views(home: Path, config: Path) -> dict[str, str]:
    """The Rich table and the Rich pupil picture a terminal gets, through the library."""
    from naervaer_cli.config import load_config
    from naervaer_cli.inputs import load_inputs, run_scan
    from naervaer_cli.output.pupil import render_pupil_rich
    from naervaer_cli.output.table import render_rich
    from naervaer_cli.pupil_view import find_pupil, pupil_view

    inputs = load_inputs(load_config(config, home=home), [SAMPLE], today=TODAY)
    pupil = find_pupil(inputs.records, "Hagen", inputs.setting)
    view = pupil_view(
        inputs.records,
        inputs.policy,
        pupil,
        as_of=inputs.as_of,
        calendar=inputs.calendar,
        cases=inputs.cases,
        setting=inputs.setting,
    )
    return {
        "scan table on a terminal": render_rich(run_scan(inputs), color=False),
        "show on a terminal": render_pupil_rich(view, color=False),
    }


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Story]:
    """The whole run: scan in every format, show, a case at NIVÅ 1, packs, a notify dry run."""
    home = tmp_path_factory.mktemp("bhg-home")
    work = tmp_path_factory.mktemp("bhg-work")
    config = work / "naervaer.toml"
    config.write_text(CONFIG, encoding="utf-8")
    result = Story()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NAERVAER_HOME", str(home))
        for name in ("NAERVAER_CONFIG", "NAERVAER_DEBUG", "NAERVAER_BY", "NAERVAER_SETTING"):
            mp.delenv(name, raising=False)
        mp.chdir(work)
        cfg = ("--config", config)

        result.scan = json.loads(_run(result, "scan json", *cfg, "scan", SAMPLE, "-f", "json"))
        result.ids = {p["name"]: p["pupil_id"] for p in result.scan["pupils"]}
        _run(result, "scan table", *cfg, "scan", SAMPLE)
        _run(result, "scan csv", *cfg, "scan", SAMPLE, "-f", "csv")
        _run(result, "scan md", *cfg, "scan", SAMPLE, "-f", "md")
        xlsx = work / "scan.xlsx"
        _run(result, "scan xlsx", *cfg, "scan", SAMPLE, "-f", "xlsx", "-o", xlsx, tty=True)
        result.texts["scan.xlsx"] = xlsx_text(xlsx)
        result.files["xlsx"] = xlsx

        _run(result, "show", *cfg, "show", "Kolstad", SAMPLE)
        result.texts.update(_terminal_views(home, config))
        _run(result, "show two children", *cfg, "show", "Haugen", SAMPLE)

        selma = result.ids["Rustad, Selma"]
        _run(
            result,
            "case open",
            *cfg,
            "case",
            "open",
            "-v",
            selma,
            "-i",
            SAMPLE,
            "--setting",
            "barnehage",
            "--date",
            "2026-11-20",
            "-t",
            "Tre dager uten beskjed",
        )
        _run(result, "case level", *cfg, "case", "level", selma, "1", "--date", "2026-11-23")
        _run(
            result,
            "case measure without date",
            *cfg,
            "case",
            "measure",
            selma,
            "Beskjed ved henting",
            "-r",
            "Kari Ped",
            "--date",
            "2026-11-23",
        )
        _run(
            result,
            "case measure",
            *cfg,
            "case",
            "measure",
            "-v",
            selma,
            "Daglig prat med foreldrene ved henting",
            "-r",
            "Kari Ped",
            "--date",
            "2026-11-23",
            "--evaluation-date",
            "2026-12-14",
        )

        for fmt in ("html", "docx", "md"):
            out = work / f"pack-{fmt}"
            _run(
                result,
                f"pack {fmt}",
                *cfg,
                "pack",
                "-v",
                selma,
                "Kolstad",
                "-i",
                SAMPLE,
                "--out",
                out,
                "--meeting",
                MEETING,
                "-f",
                fmt,
            )
            for path in sorted(out.iterdir()):
                result.files[f"{fmt}/{path.name}"] = path
                result.texts[f"pack {path.name}"] = (
                    docx_text(path) if fmt == "docx" else path.read_text(encoding="utf-8")
                )
        asked = work / "asked"
        _run(
            result,
            "pack samarbeidsavtale",
            *cfg,
            "pack",
            "Hagen",
            "-i",
            SAMPLE,
            "--out",
            asked,
            "--meeting",
            MEETING,
            "-f",
            "md",
            "-d",
            "samarbeidsavtale",
        )
        for path in asked.iterdir():
            result.texts[f"asked {path.name}"] = path.read_text(encoding="utf-8")
        team = work / "team"
        _run(
            result,
            "pack resource team",
            *cfg,
            "pack",
            "--resource-team",
            "-i",
            SAMPLE,
            "--out",
            team,
            "--meeting",
            MEETING,
            "-f",
            "md",
        )
        for path in team.iterdir():
            result.texts[f"pack {path.name}"] = path.read_text(encoding="utf-8")

        eml = work / "eml"
        _run(result, "notify", *cfg, "notify", SAMPLE, "--dry-run", eml, tty=True)
        for path in sorted(eml.iterdir()):
            with path.open("rb") as fh:
                message = BytesParser(policy=policy.default).parse(fh)
            assert isinstance(message, EmailMessage)
            result.mails.append(message)
            result.texts[f"mail {path.name}"] = mail_text(message)
        yield result


# ------------------------------------------------------------------------------ the commands


def test_every_command_succeeds_but_a_measure_without_the_agreed_date(story: Story) -> None:
    failed = {name: code for name, code in story.codes.items() if code != 0}
    assert failed == {"case measure without date": 2, "show two children": 2}
    assert (
        "avtales tidspunktet for evalueringen med foreldrene"
        in story.texts["case measure without date (stderr)"]
    )


def test_scan_finds_the_planted_patterns(story: Story) -> None:
    assert story.scan["setting"] == "barnehage"
    assert story.scan["pupils_scanned"] == 31
    found = {
        p["name"]: (p["status"], {f["rule"]: (f["severity"], f["count"]) for f in p["flags"]})
        for p in story.scan["pupils"]
    }
    assert found == PLANTED
    assert NOT_FLAGGED not in story.texts["scan table (stdout)"]
    kolstad = next(p for p in story.scan["pupils"] if p["name"] == "Kolstad, Even")
    assert kolstad["flags"][0]["dates"] == ["2026-10-29", "2026-11-05", "2026-11-18"]
    assert kolstad["responsible"] == ["Ped.leder", "Styrer"]


def test_every_scan_format_shows_the_same_children_in_barnehage_words(story: Story) -> None:
    table = story.texts["scan table (stdout)"]
    # piped, the table is tab-separated data: a header and one line per child
    assert table.splitlines()[0].split("\t")[:3] == ["Barnenr", "Barn", "Avdeling"]
    assert len(table.splitlines()) == 1 + 6
    rows = list(
        csv.DictReader(
            io.StringIO(story.texts["scan csv (stdout)"].lstrip("\ufeff")), delimiter=";"
        )
    )
    assert {r["Barn"] for r in rows} == set(PLANTED)
    assert {r["Avdeling"] for r in rows} == {"Maurtua", "Revehiet"}
    assert "| Barn | Avdeling |" in story.texts["scan md (stdout)"]
    rich = story.texts["scan table on a terminal"]
    assert "Barn" in rich and "Avdeling" in rich and "6 barn å følge opp" in rich
    assert "mangler utsjekk" in story.texts["show on a terminal"]
    for name in PLANTED:
        for where in ("scan table (stdout)", "scan md (stdout)", "scan.xlsx"):
            assert name in story.texts[where], (where, name)


def test_show_explains_the_late_pickups(story: Story) -> None:
    show = story.texts["show (stdout)"]
    assert show.startswith(f"Kolstad, Even ({story.ids['Kolstad, Even']}), Revehiet\n")
    assert "Bekymring  Levering og henting: 3 (terskel 2)" in show
    assert "29.10 hentet 16:41" in show and "18.11 hentet 16:52" in show
    assert "ikke åpningsdag" in show and "per fag" not in show
    assert "ANSVARLIG: Ped.leder, Styrer" in show


def test_show_asks_for_the_childs_number_when_a_name_fits_two(story: Story) -> None:
    err = story.texts["show two children (stderr)"]
    assert err.startswith("Feil: «Haugen» passer på 2 barn: ")
    assert err.endswith("(Maurtua). Oppgi barnenummeret.\n")


def test_case_messages_name_a_child(story: Story) -> None:
    selma = story.ids["Rustad, Selma"]
    assert story.texts["case open (stdout)"] == (
        f"Åpnet sak for barn {selma} (barnehage) på NIVÅ 0, 20.11.2026.\n"
    )
    assert story.texts["case measure (stdout)"] == (
        f"Tiltak registrert for barn {selma}; evalueres 14.12.2026.\n"
    )


# --------------------------------------------------------------------------------- the pack


def test_pack_writes_barnehage_files_named_by_number(story: Story) -> None:
    """The short number kept in the case log (0001 for Selma, asked first), not the code the
    importer made from the name; the code is nowhere in what a parent reads."""
    assert sorted(f for f in story.files if f != "xlsx") == sorted(
        f"{fmt}/barn-{n}.{fmt}" for fmt in ("html", "docx", "md") for n in ("0001", "0002")
    )
    printed = story.texts["pack md (stdout)"].splitlines()
    assert [Path(p).name for p in printed] == ["barn-0001.md", "barn-0002.md"]
    codes = set(story.ids.values())
    for name, text in story.texts.items():
        if name.startswith(("pack barn-", "pack ressursteam-", "asked ")):
            assert not [code for code in codes if code in text], name


@pytest.mark.parametrize("fmt", ["html", "docx", "md"])
def test_pack_holds_the_barnehage_documents_and_no_samarbeidsavtale(story: Story, fmt: str) -> None:
    text = story.texts[f"pack barn-0001.{fmt}"]
    titles = [
        "Innkalling til møte om nærvær",
        "Referat fra møte om nærvær",
        "Trivsels- og utviklingssamtale",
        "Tiltaksplan ved uro",
        "Kartlegging",
        "Fraværsoversikt",
    ]
    # In pack order: each title after the one before it (the referat names the tools too).
    at = 0
    for title in titles:
        at = text.find(title, at)
        assert at != -1, title
    assert "Samarbeidsavtale" not in text
    # NIVÅ 1 in a barnehage: the evaluation date is the one agreed with the parents.
    assert "Daglig prat med foreldrene ved henting" in text
    assert "14.12.2026" in text and "mandag 14. desember 2026" in text
    assert "Selma Rustad" in text and "Revehiet" in text
    assert "Fravær uten beskjed" in text  # the policy's label


def test_a_child_without_a_case_leaves_the_evaluation_to_be_agreed(story: Story) -> None:
    text = story.texts["pack barn-0002.md"]
    assert "Tidspunktet for evalueringen avtales med foreldrene." in text
    assert "29.10, 05.11, 18.11" in text


def test_resource_team_pack_lists_the_case_at_nivaa_1(story: Story) -> None:
    (name,) = [n for n in story.texts if n.startswith("pack ressursteam-")]
    text = story.texts[name]
    agenda = text.split("\n---\n")[0]
    # No consent from the parents in the log: the case is on the agenda by number only.
    assert "| Sak | Barn | Nivå | Bakgrunn | Samtykke |" in agenda
    assert "| 1 | Sak 1 | NIVÅ 1 |" in agenda and "Ikke registrert – anonym" in agenda
    assert "Selma" not in text and "Rustad" not in text
    assert "Kolstad" not in text
    # The team gets the referral and the absence, not the parents' papers.
    assert "# Melding til ressursteam" in text and "# Fraværsoversikt" in text
    assert "# Trivsels- og utviklingssamtale" not in text


def test_a_barnehage_gets_the_samarbeidsavtale_only_when_it_asks(story: Story) -> None:
    (name,) = [n for n in story.texts if n.startswith("asked ")]
    text = story.texts[name]
    assert text.startswith(
        "Solsikken barnehage\n\n# Samarbeidsavtale\n\n*mellom hjem og barnehage om nærvær*"
    )
    assert "Trivsels- og utviklingssamtale" not in text


def test_a_school_pack_refuses_the_barnehage_tools(cli) -> None:
    run = cli(
        "pack", "-v", "Bakke", "-i", REPO / "sample_data" / "ist_fravaer.csv", "-d", "tiltaksplan"
    )
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "Feil: Dokumentet «tiltaksplan» hører ikke til i skolen. Velg blant: innkalling, "
        "referat, elevsamtale, bli-kjent-samtale, foreldresamtale, samarbeidsavtale, "
        "skaleringsmodell, melding, kartlegging, fravaersoversikt.\n"
    )


def test_the_document_set_follows_the_setting() -> None:
    from naervaer_cli.documents.render import check_documents
    from naervaer_cli.documents.tools import level_documents
    from naervaer_cli.errors import UsageError
    from naervaer_cli.policy import load_policy

    # None asked for: each pupil's level decides (the tools the innsatsplan names there).
    assert check_documents((), "barnehage") == ()
    plans = load_policy("aas").plans
    assert level_documents("barnehage", plans["barnehage"].level(1).tools) == (
        "innkalling",
        "referat",
        "trivselssamtale",
        "tiltaksplan",
        "kartlegging",
        "fravaersoversikt",
    )
    assert level_documents("skole", plans["skole"].level(1).tools) == (
        "innkalling",
        "referat",
        "elevsamtale",
        "bli-kjent-samtale",
        "foreldresamtale",
        "samarbeidsavtale",
        "skaleringsmodell",
        "melding",
        "kartlegging",
        "fravaersoversikt",
    )
    # NIVÅ 0 names no template; NIVÅ 2 «Drøfting i tverrfaglig ressursteam» is the referral.
    assert level_documents("skole", plans["skole"].level(0).tools) == (
        "innkalling",
        "referat",
        "kartlegging",
        "fravaersoversikt",
    )
    assert level_documents("skole", plans["skole"].level(2).tools) == (
        "innkalling",
        "referat",
        "melding",
        "kartlegging",
        "fravaersoversikt",
    )
    # Asked for by name: pack order, and the samarbeidsavtale for a barnehage that wants one.
    assert check_documents(["kartlegging", "samarbeidsavtale"], "barnehage") == (
        "samarbeidsavtale",
        "kartlegging",
    )
    # Before the data says which setting, any known name passes.
    assert check_documents(["tiltaksplan"]) == ("tiltaksplan",)
    with pytest.raises(UsageError, match="Ukjent dokument «brev». Velg blant: innkalling,"):
        check_documents(["brev"], "barnehage")
    with pytest.raises(UsageError, match="«trivselssamtale» hører ikke til i skolen"):
        check_documents(["trivselssamtale"], "skole")


# ---------------------------------------------------------------------------------- the mail


def test_terminal_messages_count_children(story: Story) -> None:
    assert story.texts["scan xlsx (stderr)"] == f"Skrev 6 barn til {story.files['xlsx']}.\n"
    assert story.texts["notify (stderr)"].startswith("Skrev 2 e-poster til ")
    assert "(1 til ped.ledere, 1 til ledelsen). 4 uten mottaker" in story.texts["notify (stderr)"]


def test_a_failed_mail_to_a_pedleder_is_reported_as_such() -> None:
    from naervaer_cli.mail.notify import Failure, NotifyReport, report_lines

    report = NotifyReport(
        failed=(Failure("kari@solsikken.no", "kontaktlærer", "tidsavbrudd"),), setting="barnehage"
    )
    errors, summary = report_lines(report)
    assert errors == [
        "e-posten til kari@solsikken.no (ped.leder) ble ikke sendt: "
        "tidsavbrudd. Den prøves igjen ved neste kjøring."
    ]
    assert summary == "Sendte 0 e-poster (0 til ped.ledere, 0 til ledelsen)."


def test_notify_mails_the_pedleder_and_the_styrer(story: Story) -> None:
    assert [m["To"] for m in story.mails] == ["kari@solsikken.no", "styrer@solsikken.no"]
    kari, boss = story.mails
    assert kari["Subject"] == "Nærvær uke 47: 2 barn å følge opp (Maurtua)"
    assert boss["Subject"] == (
        "Nærvær uke 47: oversikt Solsikken barnehage – 6 barn å følge opp, 4 uten mottaker"
    )
    plain = boss.get_body(("plain",)).get_content()
    assert "Per avdeling:" in plain and "ingen ped.leder har fått e-post" in plain
    assert "Rustad" not in plain and "S.R. (Revehiet, " in plain
    for message in story.mails:
        assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]


# -------------------------------------------------------------------------- no school words


def test_no_school_word_for_a_person_anywhere(story: Story) -> None:
    leaks = {
        where: sorted({m.group(0) for m in SCHOOL_WORDS.finditer(text)})
        for where, text in story.texts.items()
        if SCHOOL_WORDS.search(text)
    }
    assert leaks == {}
    # Every output was looked at, and there was something in each.
    assert len([n for n in story.texts if n.startswith("mail ")]) == 2
    assert len([n for n in story.texts if n.startswith("pack barn-")]) == 6


def test_the_guide_reminder_is_worded_for_the_child(story: Story) -> None:
    said = {where: re.findall(r"Snakk med [^.<\n]*\.", text) for where, text in story.texts.items()}
    reminders = {s for found in said.values() for s in found}
    assert reminders == {TALK}
    for where in (
        "scan json (stdout)",
        "scan table on a terminal",
        "scan md (stdout)",
        "scan.xlsx",
        "show (stdout)",
        "scan table on a terminal",
        "show on a terminal",
    ):
        assert TALK in story.texts[where], where
    assert all(
        TALK in story.texts[f"mail {n}"]
        for n in [k.removeprefix("mail ") for k in story.texts if k.startswith("mail ")]
    )
    for name in (n for n in story.texts if n.startswith("pack barn-")):
        assert TALK in story.texts[name], name
