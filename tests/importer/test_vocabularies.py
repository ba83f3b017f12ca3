"""Vendor vocabularies (issue 12): each vendor's export scans to hand-computed flags with its
vocabulary, and without one it is read exactly or refused with every unknown code at once."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

TODAY = date(2026, 11, 20)
CHOICES = (
    "velg udokumentert, dokumentert, sykdom, permisjon, ubehandlet, for_sent, forlot_skolen "
    "eller ikke_fravaer"
)


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def visma(tmp_path: Path) -> Path:
    """Visma InSchool: cp1252, letter and symbol codes, a description column, minutes.

    Hand count (window 24.10–20.11): pupil 101 has M, X and M on three days, each one
    lesson → single_lessons 3 (concern). Pupil 102 has «!» and «R» (not absence) and «§»
    (documented) → nothing. Pupil 103 has D on one lesson → nothing.
    """
    return write(
        tmp_path / "inschool.csv",
        [
            "Elevnr;Elev;Klasse;Dato;Fra kl.;Til kl.;Fag;Fravær (min);Kode;Beskrivelse",
            "101;Lie, Pål;8A;03.11.2026;10:15;11:00;Norsk;45;M;Udokumentert fravær, melding gitt",
            "101;Lie, Pål;8A;10.11.2026;10:15;11:00;Norsk;45;X;Udokumentert fravær",
            "101;Lie, Pål;8A;17.11.2026;10:15;11:00;Norsk;45;M;Udokumentert fravær, melding gitt",
            "102;Berg, Siv;8A;03.11.2026;08:30;09:15;Norsk;45;!;Annen skoleaktivitet",
            "102;Berg, Siv;8A;10.11.2026;08:30;09:15;Norsk;45;R;Rettighetsfravær",
            "102;Berg, Siv;8A;12.11.2026;08:30;09:15;Norsk;45;R;Rettighetsfravær",
            "102;Berg, Siv;8A;17.11.2026;10:15;11:00;Norsk;45;§;Dokumentert, ikke på vitnemål",
            "103;Dahl, Ola;8A;18.11.2026;10:15;11:00;Norsk;45;D;Dokumentert fravær",
        ],
        encoding="cp1252",
    )


def flyt(tmp_path: Path) -> Path:
    """Visma Flyt Skole in nynorsk. Hand count: pupil 201 «Gjekk heim» 05.11 and 12.11 →
    left_during_day 2 (concern); pupil 202 «Ikkje dokumentert» on two lessons → single_lessons
    2 (concern); pupil 203 Sjuk, Tannlege, Gravferd, Kom for seint → nothing."""
    return write(
        tmp_path / "flyt.csv",
        [
            "Elevnr;Namn;Klasse;Kontaktlærar;Dato;Frå;Til;Fag;Årsak;Heile dagen",
            "201;Aas, Kari;9B;Nils Holm;05.11.2026;12:15;14:00;;Gjekk heim;Nei",
            "201;Aas, Kari;9B;Nils Holm;12.11.2026;12:15;14:00;;Gjekk heim;Nei",
            "202;Bø, Eir;9B;Nils Holm;04.11.2026;09:15;10:00;Norsk;Ikkje dokumentert;Nei",
            "202;Bø, Eir;9B;Nils Holm;11.11.2026;09:15;10:00;Norsk;Ikkje dokumentert;Nei",
            "203;Li, Ask;9B;Nils Holm;02.11.2026;;;;Sjuk;Ja",
            "203;Li, Ask;9B;Nils Holm;09.11.2026;09:15;10:00;Norsk;Tannlege;Nei",
            "203;Li, Ask;9B;Nils Holm;16.11.2026;;;;Gravferd;Ja",
            "203;Li, Ask;9B;Nils Holm;18.11.2026;08:30;08:40;;Kom for seint;Nei",
        ],
    )


def oslo(tmp_path: Path) -> Path:
    """IST Everyday with Oslo's letters. Hand count: pupil 301 U and I on lessons of three
    days → single_lessons 3; pupil 302 A, P, B, E, L → nothing (no single-lesson kind)."""
    return write(
        tmp_path / "ist_oslo.csv",
        [
            "Elevnr;Elev;Klasse;Dato;Fra kl.;Til kl.;Fag;Fraværstype",
            "301;Ek, Mia;6C;02.11.2026;10:15;11:00;Norsk;U",
            "301;Ek, Mia;6C;09.11.2026;10:15;11:00;Norsk;I",
            "301;Ek, Mia;6C;16.11.2026;10:15;11:00;Norsk;U",
            "302;Ly, Tor;6C;02.11.2026;10:15;11:00;Norsk;A",
            "302;Ly, Tor;6C;03.11.2026;10:15;11:00;Norsk;P",
            "302;Ly, Tor;6C;04.11.2026;10:15;11:00;Norsk;B",
            "302;Ly, Tor;6C;05.11.2026;10:15;11:00;Norsk;E",
            "302;Ly, Tor;6C;06.11.2026;10:15;11:00;Norsk;L",
        ],
    )


def transponder(tmp_path: Path) -> Path:
    """Transponder. Hand count: pupil 401 «Dokumentert (ikke på vitnemål)» on Kroppsøving
    03.11 and 10.11 → subject_absence Kroppsøving 2; pupil 402 Udokumentert and Ubehandlet on
    two lessons → single_lessons 2."""
    return write(
        tmp_path / "transponder.csv",
        [
            "Elevnr;Elev;Klasse;Dato;Fra kl.;Til kl.;Fag;Fraværstype;Hele dagen",
            "401;Sand, Ida;10A;03.11.2026;10:15;11:00;KRØ;Dokumentert (ikke på vitnemål);Nei",
            "401;Sand, Ida;10A;10.11.2026;10:15;11:00;KRØ;Dokumentert (ikke på vitnemål);Nei",
            "402;Vik, Ola;10A;04.11.2026;10:15;11:00;Norsk;Udokumentert;Nei",
            "402;Vik, Ola;10A;11.11.2026;10:15;11:00;Norsk;Ubehandlet;Nei",
        ],
    )


def vigilo(tmp_path: Path) -> Path:
    """Vigilo: no code column, «Dokumentert» Ja/Nei. Hand count: pupil 501 Nei on three
    lessons → single_lessons 3; pupil 502 Ja on three lessons → nothing."""
    return write(
        tmp_path / "vigilo.csv",
        [
            "Elevnr;Elev;Klasse;Dato;Fra kl.;Til kl.;Fag;Lengde (min);Dokumentert",
            "501;Moe, Siri;7A;02.11.2026;10:15;11:00;Norsk;45;Nei",
            "501;Moe, Siri;7A;05.11.2026;10:15;11:00;Norsk;45;Nei",
            "501;Moe, Siri;7A;12.11.2026;10:15;11:00;Norsk;45;Nei",
            "502;Nes, Pia;7A;02.11.2026;10:15;11:00;Norsk;45;Ja",
            "502;Nes, Pia;7A;05.11.2026;10:15;11:00;Norsk;45;Ja",
            "502;Nes, Pia;7A;12.11.2026;10:15;11:00;Norsk;45;Ja",
        ],
    )


EXPECTED = {
    # vendor: (file maker, vocabulary, {pupil: {rule: count}})
    "vis": (visma, "vis", {"101": {"single_lessons": 3}}),
    "flyt": (flyt, "flyt", {"201": {"left_during_day": 2}, "202": {"single_lessons": 2}}),
    "ist-oslo": (oslo, "ist-oslo", {"301": {"single_lessons": 3}}),
    "transponder": (
        transponder,
        "transponder",
        {"401": {"subject_absence": 2}, "402": {"single_lessons": 2}},
    ),
    "vigilo": (vigilo, "vigilo", {"501": {"single_lessons": 3}}),
}


def flags(out: str) -> dict[str, dict[str, int]]:
    """pupil → rule → count, rule flags only (signals left out), from scan's JSON."""
    data = json.loads(out)
    return {
        p["pupil_id"]: {f["rule"]: f["count"] for f in p["flags"] if not f["signal"]}
        for p in data["pupils"]
        if any(not f["signal"] for f in p["flags"])
    }


@pytest.mark.parametrize("vendor", EXPECTED)
def test_vendor_export_scans_to_the_hand_counted_flags(cli, tmp_path, vendor):
    make, vocabulary, expected = EXPECTED[vendor]
    run = cli(
        "scan", make(tmp_path), "--vocabulary", vocabulary, "--as-of", "2026-11-20", "-f", "json"
    )
    assert run.code == 0, run.err
    assert flags(run.out) == expected
    assert json.loads(run.out)["notes"][0].startswith(f"Ordliste: {vocabulary} (")


@pytest.mark.parametrize("vendor", EXPECTED)
def test_without_a_vocabulary_read_exactly_or_refused(cli, tmp_path, vendor):
    """No vendor file exits 0 with other flags than its vocabulary gives."""
    make, vocabulary, expected = EXPECTED[vendor]
    run = cli("scan", make(tmp_path), "--as-of", "2026-11-20", "-f", "json")
    if run.code == 0:
        assert flags(run.out) == expected
    else:
        assert (run.code, run.out) == (2, "")
        assert run.err.startswith("Feil: ")


def test_visma_without_vocabulary_lists_every_unknown_code_once(cli, tmp_path):
    path = visma(tmp_path)
    run = cli("scan", path)
    assert (run.code, run.out) == (2, "")
    # M, X, D and § read from their descriptions; ! and R are named once each, in row order.
    assert run.err == (
        "Feil: 2 ukjente fraværskoder (ordliste standard). Skriv hva hver betyr i naervaer.toml "
        "i stedet for «?» (har filen allerede [import.codes], legg bare linjene under den):\n"
        "\n"
        "[import.codes]\n"
        f'"!" = "?"   # 1 rad («Annen skoleaktivitet»), f.eks. inschool.csv rad 5 – {CHOICES}\n'
        f'"R" = "?"   # 2 rader («Rettighetsfravær»), f.eks. inschool.csv rad 6 – {CHOICES}\n'
        "\n"
        "«R» betyr ulike ting i ulike fagsystemer og kobles aldri uten ordliste: velg ordlisten "
        'for fagsystemet med --vocabulary NAVN eller [import] vocabulary = "NAVN".\n'
        "Ordlisten vis (Visma InSchool) kjenner «!» og «R»: --vocabulary vis eller [import] "
        'vocabulary = "vis".\n'
        "`naervaer check FIL --suggest-config` skriver hele forslaget.\n"
    )


def test_check_shows_every_code_and_the_kinds_from_descriptions(cli, tmp_path):
    run = cli("check", visma(tmp_path), "--vocabulary", "vis")
    assert run.code == 0, run.err
    assert "  Ordliste: vis (Visma InSchool).\n" in run.out
    assert "    «R»                            2 rader → Ikke fravær\n" in run.out
    assert "    «§»                            1 rad → Dokumentert\n" in run.out
    # With vis every code is known, so nothing is derived.
    assert "Fra beskrivelseskolonnen" not in run.out
    plain = cli("check", visma(tmp_path))
    assert plain.code == 2
    assert "  Ordliste: standard (ingen valgt; velg med --vocabulary NAVN).\n" in plain.out
    assert (
        "  Fra beskrivelseskolonnen:\n"
        "    «D» → Dokumentert («Dokumentert fravær»)\n"
        "    «M» → Udokumentert («Udokumentert fravær, melding gitt»)\n"
        "    «§» → Dokumentert («Dokumentert, ikke på vitnemål»)\n"
    ) in plain.out


def test_flyt_is_detected_from_its_nynorsk_headers(cli, tmp_path):
    run = cli("scan", flyt(tmp_path), "--as-of", "2026-11-20")
    assert run.code == 0, run.err
    assert (
        "Merk: Ordliste: flyt (Visma Flyt Skole), gjenkjent på kolonnen «Kontaktlærar». "
        "Velg en annen med --vocabulary NAVN.\n"
    ) in run.err


def test_bare_letters_are_never_mapped_by_default(cli, tmp_path):
    run = cli("scan", oslo(tmp_path))
    assert run.code == 2
    for letter in "UIAPBEL":
        assert f'"{letter}" = "?"' in run.err
    assert "«A», «P», «E» og «L» betyr ulike ting i ulike fagsystemer" in run.err
    assert "Ordlisten ist-oslo (IST Everyday (Oslo-kodene)) kjenner" in run.err


def test_suggest_config_is_a_fragment_with_placeholders(cli, tmp_path):
    run = cli("check", oslo(tmp_path), "--suggest-config")
    assert run.code == 0, run.err
    assert run.out.startswith(
        "# naervaer.toml for ist_oslo.csv (naervaer check --suggest-config).\n"
        "# Bytt hvert «?» med riktig verdi; en «?» som blir stående, er en feil.\n"
        "\n[import]\n"
        '# vocabulary = "ist-oslo"   # IST Everyday (Oslo-kodene) kjenner U, I, A, P, B, E, L\n'
        "\n[import.codes]\n"
        f'"U" = "?"   # 2 rader, f.eks. ist_oslo.csv rad 2 – {CHOICES}\n'
    )
    # Pasted as it is, the «?» is refused with its line; filled in, the file is read.
    config = tmp_path / "naervaer.toml"
    config.write_text(run.out, encoding="utf-8")
    refused = cli("--config", config, "scan", oslo(tmp_path))
    assert refused.code == 2
    assert "linje 8" in refused.err and "«?»" in refused.err
    filled = run.out.replace('"?"', '"udokumentert"')
    config.write_text(filled, encoding="utf-8")
    assert cli("--config", config, "scan", oslo(tmp_path)).code == 0


def test_suggest_config_names_a_missing_code_column(cli, tmp_path):
    path = write(tmp_path / "x.csv", ["Elevnr;Elev;Dato;Kategori", "1;A;02.11.2026;Kari"])
    run = cli("check", path, "--suggest-config")
    assert run.code == 0, run.err
    assert (
        'code = "?"   # fraværstype (f.eks. Fraværstype, Type, Årsak); ubrukte kolonner: Kategori\n'
    ) in run.out
    config = tmp_path / "naervaer.toml"
    config.write_text(run.out, encoding="utf-8")
    refused = cli("--config", config, "check", path)
    assert refused.code == 2
    assert "«import.columns.code» er ikke fylt ut («?»)" in refused.err


def test_config_keys_that_fold_together_name_both_lines(cli, tmp_path):
    config = tmp_path / "naervaer.toml"
    config.write_text('[import.codes]\n"Syk m/egenm." = "sykdom"\n"syk m egenm" = "sykdom"\n')
    run = cli("--config", config, "scan", oslo(tmp_path))
    assert run.code == 2
    assert run.err == (
        f"Feil: {config} linje 2 og {config} linje 3: «Syk m/egenm.» og «syk m egenm» under "
        "[import.codes] er samme kode for naervaer (store og små bokstaver, aksenter og "
        "mellomrom teller ikke). Behold én av dem.\n"
    )


def test_symbol_codes_stay_apart(tmp_path):
    from naervaer_cli.importer.codes import code_key, code_table
    from naervaer_cli.vocabulary import load_vocabulary

    assert len({code_key(c) for c in "!§+-*"}) == 5
    table = code_table(load_vocabulary("vis"), {"+": "for_sent"})
    assert (table.kind("!"), table.kind("§"), table.kind(" + "), table.kind("*")) == (
        "ikke_fravaer",
        "dokumentert",
        "for_sent",
        None,
    )


def test_conflicting_descriptions_are_an_error_listing_both(cli, tmp_path):
    path = write(
        tmp_path / "k.csv",
        [
            "Elevnr;Elev;Dato;Kode;Beskrivelse;Heldag",
            "1;A;02.11.2026;K;Sykdom;Ja",
            "1;A;03.11.2026;K;Permisjon;Ja",
        ],
    )
    run = cli("scan", path)
    assert run.code == 2
    assert run.err == (
        f"Feil: {path}: koden «K» har to beskrivelser som betyr ulike ting: «Permisjon» "
        '(permisjon) og «Sykdom» (sykdom). Koble koden selv i naervaer.toml: [import.codes] "K" '
        '= "…".\n'
    )


def test_unknown_vocabulary_is_exit_2(cli, tmp_path):
    run = cli("scan", oslo(tmp_path), "--vocabulary", "ukjent")
    assert run.code == 2
    assert run.err.startswith("Feil: Ukjent ordliste «ukjent». Innebygde ordlister: flyt, ist,")


def test_vocabulary_from_config(cli, tmp_path):
    config = tmp_path / "naervaer.toml"
    config.write_text('[import]\nvocabulary = "ist-oslo"\n')
    run = cli("--config", config, "scan", oslo(tmp_path), "-f", "json")
    assert run.code == 0, run.err
    assert flags(run.out) == {"301": {"single_lessons": 3}}


def test_every_vocabulary_is_valid_data():
    from naervaer_cli.config import VOCABULARIES
    from naervaer_cli.importer.headers import SYNONYMS
    from naervaer_cli.schema import KINDS
    from naervaer_cli.vocabulary import load_vocabulary, vocabulary_names

    assert sorted(VOCABULARIES) == vocabulary_names()
    for name in vocabulary_names():
        vocabulary = load_vocabulary(name)
        assert set(vocabulary.codes.values()) <= set(KINDS) - {"tilstede"}, name
        assert set(vocabulary.columns) <= set(SYNONYMS), name
    standard = load_vocabulary("standard").codes
    assert not {c for c in standard if c.upper() in set("RDLEAMP")}
