"""Dates, clock times and Ja/Nei columns are read as Categorical (read.REPEATED_FIELDS).

What a row means must not change: a summary word in such a column, a value only a skipped
row has, a padded or blank cell, and a file Polars cannot read with the typed columns.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from naervaer_cli.config import load_config
from naervaer_cli.errors import InputError
from naervaer_cli.importer import load_exports
from naervaer_cli.importer.headers import synonym_table
from naervaer_cli.importer.read import read_table
from naervaer_cli.vocabulary import STANDARD, load_vocabulary

TODAY = date(2026, 11, 20)


def _load(path: Path):
    return load_exports([path], load_config(), today=TODAY)


def test_the_repeated_columns_of_a_csv_are_read_as_categorical(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Elevnr;Dato;Fra kl.;Heldag;Fraværstype\n1;02.11.2026;08:30;Nei;Sykdom\n")
    columns = load_vocabulary(STANDARD).columns
    raw = read_table(path, synonym_table({f: list(n) for f, n in columns.items()}))
    assert isinstance(raw.frame.schema["date"], pl.Categorical)
    assert raw.frame.schema["pupil_id"] == pl.String
    assert raw.frame.schema["code"] == pl.String


def test_a_summary_word_in_a_date_column_is_a_summary_row(tmp_path):
    """«Totalt» is the row's first cell; the pupil number after it does not make it a record,
    and «Totalt» is no unreadable date, since the row is not read."""
    path = tmp_path / "s.csv"
    path.write_text(
        "Dato;Elevnr;Minutter;Fraværstype\n02.11.2026;1;45;Sykdom\n03.11.2026;2;45;Sykdom\n"
        "Totalt;2;90;\n",
        encoding="utf-8",
    )
    result = _load(path)
    assert result.records.get_column("pupil_id").to_list() == ["1", "2"]
    assert result.files[0].skipped_rows == (4,)


def test_an_unreadable_date_is_reported_in_its_row(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text(
        "Elevnr;Dato;Minutter;Fraværstype\n1;02.11.2026;45;Sykdom\n2;2.13.2026;45;Sykdom\n"
        "3;02.11.2026;45;Sykdom\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as raised:
        _load(path)
    assert str(raised.value) == (
        f"{path}, rad 3, kolonne «Dato»: «2.13.2026» er ikke en gyldig dato (forventet "
        "dd.mm.åååå eller åååå-mm-dd)."
    )


def test_padded_and_blank_cells_in_a_repeated_column(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "Elevnr;Dato;Fra kl.;Til kl.;Fraværstype\n1; 02.11.2026 ;08:30 ;09:15;Sykdom\n"
        "2;   ;08:30;09:15;Sykdom\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as raised:
        _load(path)
    assert str(raised.value) == f"{path}, rad 3, kolonne «Dato»: mangler dato."
    path.write_text(
        "Elevnr;Dato;Fra kl.;Til kl.;Fraværstype\n1; 02.11.2026 ;08:30 ;09:15;Sykdom\n",
        encoding="utf-8",
    )
    records = _load(path).records
    assert records.select("date", "minutes").row(0) == (date(2026, 11, 2), 45)


def test_a_row_with_more_fields_than_the_header_is_named(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "Elevnr;Dato;Minutter;Fraværstype\n1;02.11.2026;45;Sykdom\n2;02.11.2026;45;Sykdom;x\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as raised:
        _load(path)
    assert str(raised.value) == (
        f"{path}, rad 3: raden har 5 felt, men overskriften har 4. Sjekk at skilletegnet "
        "(semikolon (;)) ikke står inne i en verdi uten anførselstegn."
    )
