"""The vendor samples in sample_data/ (one per vocabulary) scan to the flags its README gives.

The expectation is read from sample_data/README.md itself («What each vendor sample scans
to»), and so is the config the samples need, so the README cannot drift from the files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_data"
README = (SAMPLES / "README.md").read_text(encoding="utf-8")
AS_OF = "2026-11-20"

# sample file → the vocabulary it is written in
VOCABULARIES = {
    "ist_rapport.xlsx": "ist",
    "ist_oslo_timer.csv": "ist-oslo",
    "vis_fravaer.csv": "vis",
    "transponder_fravaer.csv": "transponder",
    "vigilo_fravaer.csv": "vigilo",
    "flyt_fravaer.csv": "flyt",
}

Flag = tuple[str, str | None, int, str]  # rule, subject, count, severity


def _section(title: str) -> str:
    start = README.index(title)
    end = README.find("\n### ", start + len(title))
    return README[start : end if end > 0 else len(README)]


def _flags(text: str) -> set[Flag]:
    """«absence_days 8 concern; subject_absence Kroppsøving 3 concern» → flags."""
    if text.strip() == "nothing":
        return set()
    flags = set()
    for item in text.split(";"):
        found = re.fullmatch(r"\s*(\w+)(?: (\S+))? (\d+) (concern|watch)\s*", item)
        assert found, f"README: cannot read the flag «{item}»"
        flags.add((found[1], found[2], int(found[3]), found[4]))
    return flags


def readme_expectation() -> dict[str, dict[str, set[Flag]]]:
    """sample file → pupil name → flags, from the README's table."""
    table = _section("### What each vendor sample scans to")
    expected: dict[str, dict[str, set[Flag]]] = {name: {} for name in VOCABULARIES}
    rows = [line for line in table.splitlines() if re.match(r"\| [^|]+ \(\d+\) \|", line)]
    assert len(rows) >= 13, "README: the table of vendor sample flags is missing"
    for line in rows:
        pupil, common, exception = (cell.strip() for cell in line.strip("|").split(" | "))
        name = pupil.split(" (")[0]
        for file in VOCABULARIES:
            expected[file][name] = _flags(common)
        if exception != "—":
            files, rest = exception.split(": ", 1)
            flags = _flags(re.sub(r" \(.*\)$", "", rest))
            for file in re.findall(r"`([^`]+)`", files):
                expected[file][name] = flags
    return {f: {n: flags for n, flags in e.items() if flags} for f, e in expected.items()}


def readme_config() -> str:
    block = re.search(r"```toml\n(.*?)```", _section("## The vendor samples"), re.S)
    assert block, "README: the config for the vendor samples is missing"
    return block[1]


def scanned_flags(out: str) -> dict[str, set[Flag]]:
    return {
        p["name"]: {(f["rule"], f.get("subject"), f["count"], f["severity"]) for f in p["flags"]}
        for p in json.loads(out)["pupils"]
        if p["flags"]
    }


@pytest.fixture
def configured(naervaer_home: Path) -> Path:
    (naervaer_home / "config.toml").write_text(readme_config(), encoding="utf-8")
    return naervaer_home


@pytest.mark.parametrize("file", list(VOCABULARIES))
def test_vendor_sample_scans_to_the_readme_flags(cli, configured, file):
    vocabulary = VOCABULARIES[file]
    run = cli("scan", SAMPLES / file, "--vocabulary", vocabulary, "--as-of", AS_OF, "-f", "json")
    assert run.code == 0, run.err
    assert run.err == ""  # the file ends on the reference date and needs nothing more
    assert json.loads(run.out)["notes"][0].startswith(f"Ordliste: {vocabulary} (")
    assert scanned_flags(run.out) == readme_expectation()[file]


# Without a vocabulary: the four whose codes the standard vocabulary does not know are
# refused naming them all; Vigilo's Ja/Nei and Flyt's nynorsk headers need no choice.
REFUSED = {
    "ist_rapport.xlsx": 6,
    "ist_oslo_timer.csv": 6,
    "vis_fravaer.csv": 2,
    "transponder_fravaer.csv": 1,
}


@pytest.mark.parametrize("file", list(VOCABULARIES))
def test_without_a_vocabulary_read_exactly_or_refused(cli, configured, file):
    run = cli("scan", SAMPLES / file, "--as-of", AS_OF, "-f", "json")
    if file in REFUSED:
        assert (run.code, run.out) == (2, "")
        codes = re.findall(r'^"[^"]+" = "\?"', run.err, re.M)
        assert len(codes) == REFUSED[file], run.err
        assert f'--vocabulary {VOCABULARIES[file]} eller [import] vocabulary = "' in run.err
    else:
        assert run.code == 0, run.err
        assert scanned_flags(run.out) == readme_expectation()[file]


def test_the_readme_vocabulary_table_names_each_sample():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for file, vocabulary in VOCABULARIES.items():
        row = next(li for li in readme.splitlines() if li.startswith(f"| `{vocabulary}` |"))
        assert f"`sample_data/{file}`" in row, vocabulary


LESSON_TIMES_COMMENT = (
    'skriv klokkeslettene for time 1, 2, 3 … i rekkefølge, f.eks. ["08:30-09:15", '
    '"09:25-10:10"]; timene står som nummer i'
)


def test_suggest_config_asks_for_the_lesson_times(cli, tmp_path):
    path = SAMPLES / "ist_rapport.xlsx"
    run = cli("check", path, "--suggest-config", "--vocabulary", "ist")
    assert run.code == 0, run.err
    assert run.out == (
        "# naervaer.toml for ist_rapport.xlsx (naervaer check --suggest-config).\n"
        "# Bytt hvert «?» med riktig verdi; en «?» som blir stående, er en feil.\n"
        "\n"
        "[import]\n"
        'vocabulary = "ist"   # IST Everyday\n'
        f'lesson_times = ["?"]   # {LESSON_TIMES_COMMENT} ist_rapport.xlsx, kolonne «Time»\n'
    )
    # Pasted as it is, the «?» is refused with its line; filled in, the file is read.
    config = tmp_path / "naervaer.toml"
    config.write_text(run.out, encoding="utf-8")
    refused = cli("--config", config, "check", path)
    assert (refused.code, refused.out) == (2, "")
    assert refused.err == (
        f"Feil: {config} linje 6: «import.lesson_times» er ikke fylt ut («?»); skriv "
        'klokkeslettene for time 1, 2, 3 … i rekkefølge, f.eks. ["08:30-09:15", "09:25-10:10"].\n'
    )
    times = re.search(r"lesson_times = \[.*\]", readme_config())[0]
    config.write_text(re.sub(r"lesson_times = \[.*", times, run.out), encoding="utf-8")
    filled = cli("--config", config, "check", path)
    assert filled.code == 0, filled.err
    assert "Problemer" not in filled.out


def test_suggest_config_names_every_file_that_needs_lesson_times(cli):
    grid, report = SAMPLES / "ist_oslo_timer.csv", SAMPLES / "ist_rapport.xlsx"
    run = cli("check", grid, report, "--suggest-config")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    # One lesson_times line under [import], before the codes to fill in, and no «other
    # errors» note: a missing config key is not a fault in the export.
    assert (
        lines.index("[import]")
        < lines.index(
            f'lesson_times = ["?"]   # {LESSON_TIMES_COMMENT} ist_oslo_timer.csv, kolonne '
            "«1. time … 6. time» og ist_rapport.xlsx, kolonne «Time»"
        )
        < lines.index("[import.codes]")
    )
    assert "andre feil" not in run.out


def test_suggest_config_without_a_lesson_number_asks_for_no_lesson_times(cli):
    run = cli("check", SAMPLES / "vis_fravaer.csv", "--suggest-config", "--vocabulary", "vis")
    assert run.code == 0, run.err
    assert run.out == (
        "# naervaer.toml for vis_fravaer.csv (naervaer check --suggest-config).\n"
        "# Bytt hvert «?» med riktig verdi; en «?» som blir stående, er en feil.\n"
        "\n"
        "[import]\n"
        'vocabulary = "vis"   # Visma InSchool\n'
    )
