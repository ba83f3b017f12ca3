"""The committed samples and fixtures, as other programs wrote them, read to the same records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from naervaer_cli.config import load_config
from naervaer_cli.importer import load_exports

TODAY = dt.date(2026, 11, 20)  # the sample data's last day

TESTS = Path(__file__).resolve().parents[1]
SAMPLES, FIXTURES = TESTS.parent / "sample_data", TESTS / "fixtures"

CONTENT = [
    "pupil_id",
    "name",
    "group",
    "date",
    "start",
    "end",
    "minutes",
    "whole_day",
    "subject",
    "code",
    "kind",
    "comment",
]


def records(path):
    return load_exports([path], load_config(), today=TODAY).records


def content(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(CONTENT).sort(CONTENT, nulls_last=True)


@pytest.fixture
def sample_7b():
    return content(records(SAMPLES / "ist_fravaer.csv").filter(pl.col("group") == "7B"))


@pytest.mark.parametrize("name", ["libreoffice.xlsx", "excel_unicode.csv"])
def test_fixture_reads_like_the_sample_csv(name, sample_7b):
    assert content(records(FIXTURES / name)).equals(sample_7b)
    assert sample_7b.height == 79  # 75 rows, one of them a 5-school-day range


def test_libreoffice_file_details():
    result = load_exports([FIXTURES / "libreoffice.xlsx"], load_config(), today=TODAY)
    report = result.files[0]
    assert (report.sheet, report.header_row) == ("Fravær", 4)
    frame = result.records
    assert frame.get_column("source_row").min() == 5
    assert not frame.get_column("pupil_id").str.contains(r"\.0$").any()
    assert frame.get_column("date").dtype == pl.Date


def test_sample_xlsx_equals_sample_csv():
    csv_records = content(records(SAMPLES / "ist_fravaer.csv"))
    xlsx_records = content(records(SAMPLES / "ist_fravaer.xlsx"))
    assert xlsx_records.equals(csv_records)


def test_other_vendor_sample_hides_every_fodselsnummer():
    raw = (SAMPLES / "annen_leverandor.csv").read_bytes().decode("cp1252")
    frame = records(SAMPLES / "annen_leverandor.csv")
    numbers = set(pl.Series(raw.splitlines()[1:]).str.extract(r"^(\d{11})", 1).drop_nulls())
    assert numbers, "the sample should carry fødselsnummer to hide"
    dumped = frame.write_csv()
    assert not any(n in dumped for n in numbers)
    assert frame.get_column("pupil_id").str.starts_with("fnr-").all()
    assert "Ø" in "".join(frame.get_column("name").to_list()) or "ø" in "".join(
        frame.get_column("name").to_list()
    )


def test_barnehage_log_sample():
    result = load_exports([SAMPLES / "barnehage_tilstede.csv"], load_config(), today=TODAY)
    assert result.setting == "barnehage"
    frame = result.records
    present = frame.filter(pl.col("kind") == "tilstede")
    absent = frame.filter(pl.col("kind") != "tilstede")
    assert present.get_column("arrived").null_count() < present.height
    assert not present.get_column("whole_day").any()
    assert absent.get_column("whole_day").all()
    assert absent.get_column("notified").null_count() == 0
    assert frame.get_column("birth_date").dtype == pl.Date
    assert frame.get_column("birth_date").min() > dt.date(2019, 1, 1)


def test_mixing_barnehage_and_school_files_is_refused(cli):
    run = cli("check", SAMPLES / "ist_fravaer.csv", SAMPLES / "barnehage_tilstede.csv")
    assert run.code == 2
    assert run.err == (
        "Feil: Filene blander barnehagelogger (Kom/Hentet) og skoleeksporter. "
        "Kjør dem hver for seg.\n"
    )
