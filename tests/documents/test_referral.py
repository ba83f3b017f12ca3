"""The referral to the ressursteam: anonymous without the parents' consent, in every format,
and the ressursteam pack holds only what the team uses."""

from __future__ import annotations

import io
from datetime import date

import pytest
from doc_fixtures import AS_OF, MEETING, POLICY, event, events, pupil_result, records

from naervaer_cli.caselog.events import EventType
from naervaer_cli.documents import Format, build_pupil_context, build_team_context, pupil_pack
from naervaer_cli.documents.htmltree import parse, sections
from naervaer_cli.documents.loader import environment
from naervaer_cli.documents.papers import css_string, meeting_paper, reply_by
from naervaer_cli.documents.render import team_pack

# A log whose free text names the pupil, as a teacher's note would.
NOTE = "Ola sier han gruer seg til gym; ringte Ola Nordmann sin mor (elev 10234)"


def log(consent: bool | None) -> list:
    found = [
        *events(),
        event(date(2026, 11, 9), EventType.NOTE, NOTE),
        event(
            date(2026, 11, 27),
            EventType.EVALUATION,
            "",
            {"improved": False, "presence_before": 0.8, "presence_after": 0.75},
        ),
    ]
    if consent is not None:
        found.append(event(date(2026, 11, 10), EventType.CONSENT, "", {"consent": consent}))
    return found


def context(found: list | None = None):
    return build_pupil_context(
        pupil_result("10234", "Nordmann, Ola"),
        records("10234", "Nordmann, Ola"),
        as_of=AS_OF,
        meeting=MEETING,
        policy=POLICY,
        events=events() if found is None else found,
        school="Ås ungdomsskole",
    )


def rendered(fmt: Format, consent: bool | None) -> str:
    found = log(consent)
    data = pupil_pack(environment(), context(found), fmt, ["melding"], events=found)
    if fmt is Format.DOCX:
        import docx

        document = docx.Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
        for section in document.sections:
            parts += [p.text for p in section.header.paragraphs]
        parts.append(document.core_properties.title or "")
        return "\n".join(parts)
    return data.decode("utf-8")


IDENTIFYING = ("Ola", "Nordmann", "10234", "7A", "Kari Lærer")


@pytest.mark.parametrize("fmt", list(Format))
@pytest.mark.parametrize("consent", [None, False])
def test_referral_without_consent_names_no_one(fmt: Format, consent: bool | None) -> None:
    text = rendered(fmt, consent)
    # Body, running header, the file's title and metadata included.
    for word in IDENTIFYING:
        assert word not in text, word
    # The grade and the facts remain, the free text cleaned of the name and number.
    assert "Sak 1" in text and "7. trinn" in text
    assert "eleven sier han gruer seg til gym; ringte eleven sin mor (elev eleven)" in text
    assert "Fast samtale med kontaktlærer hver mandag" in text
    assert "Nei: nærværet har ikke økt (80,0 % → 75,0 %), evaluert 27.11.2026" in text
    assert "Uten samtykke drøftes saken anonymt" in text


def test_referral_with_consent_names_the_pupil_and_the_date() -> None:
    html = rendered(Format.HTML, True)
    text = parse(html).text()
    assert "Ola Nordmann" in text and "10234" in text
    assert "☒ Ja" in text and "10.11.2026" in text
    assert "Uten samtykke" not in text


def test_team_pack_holds_referral_and_absence_per_case_and_a_team_referat() -> None:
    first = context(log(True))
    second = build_pupil_context(
        pupil_result("20001", "Hansen, Kari", level=2),
        records("20001", "Hansen, Kari"),
        as_of=AS_OF,
        meeting=MEETING,
        policy=POLICY,
        school="Ås ungdomsskole",
    )
    team = build_team_context(
        [first, second], meeting=MEETING, as_of=AS_OF, talk_to_child=POLICY.talk_to("skole")
    )
    paper = meeting_paper(
        letter=date(2026, 11, 20), meeting=MEETING, time="09:00", place="Rom 2", archive="X"
    )
    html = team_pack(
        environment(),
        team,
        Format.HTML,
        paper=paper,
        events={"10234": log(True), "20001": ()},
    ).decode("utf-8")
    found = sections(parse(html))
    assert [s.attrs["data-document"] for s in found] == [
        "ressursteam",
        "melding",
        "fravaersoversikt",
        "melding",
        "fravaersoversikt",
        "ressursteam-referat",
    ]
    # Kari Hansen (NIVÅ 2, no consent) first and anonymous; Ola Nordmann consented.
    assert "Hansen" not in html and "20001" not in html
    assert [s.attrs["data-running"] for s in found[1:5]] == [
        "Sak 1 · møte 26.11.2026",
        "Sak 1 · møte 26.11.2026",
        "Sak 2: Ola Nordmann · møte 26.11.2026",
        "Sak 2: Ola Nordmann · møte 26.11.2026",
    ]
    referat = found[-1].text()
    for word in ("Konklusjon", "Ansvarlig", "Frist", "Referatet sendes til", "Arkiveres i"):
        assert word in referat
    assert referat.count("Konklusjon") == 2
    agenda = found[0].text()
    assert "09:00" in agenda and "Rom 2" in agenda and "Notater fra drøftingen" in agenda
    # An anonymous case is «Sak 1» once, with its grade; a named one «Sak 2: name».
    headings = [h.text() for s in (found[0], found[-1]) for h in s.find_all("h2")]
    assert "Sak 1 (7. trinn)" in headings and "Sak 2: Ola Nordmann" in headings
    assert not [h for h in headings if h.startswith("Sak 1: Sak")]


def test_measures_evaluated_together_each_show_the_evaluation() -> None:
    """Two measures agreed three days apart and one `case evaluate` after both: the team
    reads the answer beside each, not «Ikke evaluert» beside the first."""
    found = [
        *events(),
        event(
            date(2026, 11, 9),
            EventType.MEASURE_DECIDED,
            "Mor følger eleven til skolen",
            {"responsible": "Foresatte", "evaluation_date": date(2026, 11, 30)},
        ),
        event(
            date(2026, 11, 27),
            EventType.EVALUATION,
            "",
            {"improved": False, "presence_before": 0.8, "presence_after": 0.75},
        ),
    ]
    data = pupil_pack(environment(), context(found), Format.HTML, ["melding"], events=found)
    rows = [
        " | ".join(c.text().strip() for c in row.find_all("td"))
        for row in parse(data.decode("utf-8")).find_all("tr")
    ]
    effect = "Nei: nærværet har ikke økt (80,0 % → 75,0 %), evaluert 27.11.2026"
    assert (
        f"Fast samtale med kontaktlærer hver mandag | Kontaktlærer | 06.11.2026 | {effect}" in rows
    )
    assert f"Mor følger eleven til skolen | Foresatte | 09.11.2026 | {effect}" in rows


def test_reply_by_is_two_school_days_before_the_meeting() -> None:
    # Thursday 26.11 → Tuesday 24.11; a meeting the next day leaves no time for a reply.
    assert reply_by(date(2026, 11, 20), date(2026, 11, 26)) == date(2026, 11, 24)
    assert reply_by(date(2026, 11, 20), date(2026, 11, 23)) is None
    # Over a weekend: Monday 30.11 → Thursday 26.11.
    assert reply_by(date(2026, 11, 20), date(2026, 11, 30)) == date(2026, 11, 26)


def test_running_header_cannot_break_out_of_the_style() -> None:
    hostile = '</style><script>x</script>"; } @page { content: "'
    quoted = css_string(hostile)
    assert quoted.startswith('"') and quoted.endswith('"')
    inner = quoted[1:-1]
    for char in '<>"{};/':
        assert char not in inner


def test_docx_pages_have_header_number_and_repeating_table_headers() -> None:
    import zipfile

    data = pupil_pack(environment(), context(), Format.DOCX, ["referat", "samarbeidsavtale"])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        headers = [zf.read(n).decode("utf-8") for n in names if n.startswith("word/header")]
        footers = [zf.read(n).decode("utf-8") for n in names if n.startswith("word/footer")]
        body = zf.read("word/document.xml").decode("utf-8")
    assert any("Ola Nordmann · møte 26.11.2026" in h for h in headers)
    assert any('w:instr="PAGE"' in f and 'w:instr="NUMPAGES"' in f for f in footers)
    # Grid tables repeat their header row; no row splits over a page.
    assert "<w:tblHeader/>" in body and "<w:cantSplit/>" in body

    import docx

    document = docx.Document(io.BytesIO(data))
    # The flag-free measures table: the date columns are narrower than the measure text.
    measures = next(t for t in document.tables if t.rows[0].cells[0].text == "Tiltak")
    widths = [c.width for c in measures.columns]
    assert widths[0] > widths[2] and widths[0] > widths[3]
