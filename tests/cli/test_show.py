"""`naervaer show` end to end on the committed sample data: exact output and exit codes."""

from __future__ import annotations

from pathlib import Path

from golden_files import check_golden

GOLDEN = Path(__file__).parent / "golden"

REPO = Path(__file__).resolve().parents[2]
IST = REPO / "sample_data" / "ist_fravaer.csv"


def test_by_name(cli) -> None:
    run = cli("show", "vik, amalie", IST)
    assert (run.code, run.err) == (0, "")
    check_golden(GOLDEN / "show_vik.txt", run.out)


def test_by_id_equals_by_name(cli) -> None:
    assert cli("show", "10229", IST).out == cli("show", "bakke, jonas", IST).out


def test_pupil_in_the_plan_for_left_during_day(cli) -> None:
    run = cli("show", "10348", IST, "--weeks", "4")
    assert run.code == 0
    check_golden(GOLDEN / "show_nes_4_weeks.txt", run.out)


def test_pupil_without_flags(cli) -> None:
    run = cli("show", "Aas, Linnea", IST)
    assert run.code == 0
    assert "  Ingen regler slo ut i vinduet.\n" in run.out
    assert "Innsatsplan" not in run.out
    assert run.out.endswith("Snakk med barnet/eleven under hele prosessen.\n")


def test_ambiguous_name_is_exit_2(cli) -> None:
    run = cli("show", "Vik", IST)
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "Feil: «Vik» passer på 2 elever: 10348 (7B), 10357 (7B). Oppgi elevnummeret.\n"
    )


def test_unknown_pupil_is_exit_2(cli) -> None:
    run = cli("show", "Nobody", IST)
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "Feil: Fant ingen elev med elevnummer eller navn som inneholder "
        "«Nobody». Sjekk stavemåten, eller bruk elevnummeret.\n"
    )


def test_help_is_bokmal(cli) -> None:
    run = cli("show", "--help")
    assert run.code == 0 and "Vis én elev" in run.out
