"""Config: where it is read from (never the working folder), who may write it, precedence,
the field table (typed values, defaults, unknown keys with a suggestion) and the README."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from naervaer_cli import tomlconfig
from naervaer_cli.config import FIELDS, Config, default_home, load_config, reference
from naervaer_cli.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "naervaer_cli"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def config_error(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return str(info.value)


# ------------------------------------------------------------------------------- discovery


def test_home_from_environment(naervaer_home):
    assert default_home() == naervaer_home


def test_home_default_is_the_platform_data_dir(monkeypatch):
    monkeypatch.delenv("NAERVAER_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", "/tmp/xdg-test")
    assert default_home() == Path("/tmp/xdg-test/naervaer")


def test_search_order_flag_then_env_then_home(naervaer_home, tmp_path, monkeypatch):
    assert load_config().path is None
    write(naervaer_home, "config.toml", '[case]\nby = "hjem"\n')
    assert load_config().get("case.by") == "hjem"
    env = write(tmp_path, "miljø.toml", '[case]\nby = "miljø"\n')
    monkeypatch.setenv("NAERVAER_CONFIG", str(env))
    assert load_config().get("case.by") == "miljø"
    explicit = write(tmp_path, "annen.toml", '[case]\nby = "flagg"\n')
    assert load_config(explicit).get("case.by") == "flagg"


def test_platform_config_folder_only_without_naervaer_home(tmp_path, monkeypatch):
    folder = tmp_path / "xdg-config" / "naervaer"
    folder.mkdir(parents=True)
    write(folder, "config.toml", '[case]\nby = "plattform"\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    assert load_config().get("case.by") is None  # NAERVAER_HOME is set: all state is there
    monkeypatch.delenv("NAERVAER_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    loaded = load_config()
    assert (loaded.path, loaded.get("case.by")) == (folder / "config.toml", "plattform")


def test_a_config_planted_in_the_working_folder_changes_nothing(cli, tmp_path, naervaer_home):
    # Issue 15: in a shared folder such a file could remap every code or the policy.
    policy = write(tmp_path, "p.toml", "[school]\nwindow_days = 3\n")
    for name in ("naervaer.toml", "config.toml"):
        write(Path.cwd(), name, f'policy = "{policy}"\n[case]\nby = "plantet"\n')
    assert load_config().path is None
    assert load_config().get("case.by") is None
    run = cli("policy", "show")
    assert run.code == 0
    assert "Vindu: siste 28 dager" in run.out and "Fil: aas.toml (innebygd)" in run.out


def test_missing_config_file(tmp_path, cli, monkeypatch):
    run = cli("--config", tmp_path / "borte.toml", "check", tmp_path)
    assert run.code == 2
    assert run.err == f"Feil: Fant ikke konfigurasjonsfilen {tmp_path / 'borte.toml'}.\n"
    monkeypatch.setenv("NAERVAER_CONFIG", str(tmp_path / "også-borte.toml"))
    run = cli("check", tmp_path)
    assert run.code == 2
    assert run.err == f"Feil: Fant ikke konfigurasjonsfilen {tmp_path / 'også-borte.toml'}.\n"


# ------------------------------------------------------------------------------- permissions


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX file modes")
def test_a_config_others_can_write_is_refused(tmp_path, cli):
    path = write(tmp_path, "naervaer.toml", '[case]\nby = "x"\n')
    path.chmod(0o664)
    message = (
        f"Konfigurasjonsfilen {path} kan endres av andre (rettigheter 0664) og brukes ikke. "
        f"Kjør «chmod go-w {path}» og prøv igjen."
    )
    assert config_error(path) == message
    run = cli("--config", path, "policy", "show")
    assert (run.code, run.err, run.out) == (2, f"Feil: {message}\n", "")
    path.chmod(0o644)
    assert load_config(path).get("case.by") == "x"


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX file modes")
def test_a_config_in_a_folder_others_can_write_is_refused_unless_sticky(tmp_path):
    folder = tmp_path / "delt"
    folder.mkdir()
    path = write(folder, "naervaer.toml", '[case]\nby = "x"\n')
    folder.chmod(0o777)
    assert config_error(path) == (
        f"Mappen til konfigurasjonsfilen {folder} kan endres av andre (rettigheter 0777) og "
        f"brukes ikke. Kjør «chmod go-w {folder}» og prøv igjen."
    )
    folder.chmod(0o1777)  # like /tmp: others cannot replace a file they do not own
    assert load_config(path).get("case.by") == "x"


# ------------------------------------------------------------------------------- values


def test_precedence_flag_env_file_default(monkeypatch):
    config = Config(home=Path("/x"), data={"case": {"by": "fil"}})
    assert config.setting("flagg", "NAERVAER_BY", "case.by", "standard") == "flagg"
    monkeypatch.setenv("NAERVAER_BY", "miljø")
    assert config.setting(None, "NAERVAER_BY", "case.by", "standard") == "miljø"
    monkeypatch.delenv("NAERVAER_BY")
    assert config.setting(None, "NAERVAER_BY", "case.by", "standard") == "fil"
    assert Config(home=Path("/x")).setting(None, "NAERVAER_BY", "case.by", "standard") == (
        "standard"
    )


def test_defaults_come_from_the_field_table():
    empty = Config(home=Path("/x"))
    assert empty.get("mail.timeout") == 30
    assert empty.get("mail.security") == "starttls"
    assert empty.get("mail.full_names") is False
    assert empty.get("policy") == "aas"
    assert empty.setting(None, "NAERVAER_POLICY", "policy") == "aas"
    assert empty.get("mail.host") is None
    assert empty.get("mail.host", "localhost") == "localhost"


def test_values_are_typed(tmp_path):
    path = write(
        tmp_path,
        "naervaer.toml",
        '[documents]\nterm_start = "2026-08-17"\n'
        '[calendar]\nbreaks = [{from = 2026-10-05, to = "2026-10-09", name = "Høstferie"}]\n',
    )
    config = load_config(path)
    from datetime import date

    assert config.get("documents.term_start") == date(2026, 8, 17)
    assert config.table("calendar")["breaks"] == [
        {"from": date(2026, 10, 5), "to": date(2026, 10, 9), "name": "Høstferie"}
    ]


def test_a_config_built_in_code_is_checked_too():
    config = Config(home=Path("/x"), data={"mail": {"port": 70000}})
    with pytest.raises(ConfigError) as info:
        config.get("mail.port")
    assert str(info.value) == (
        "konfigurasjonen: «mail.port» skal være et helt tall fra 1 til 65535, ikke «70000»."
    )


# ------------------------------------------------------------------------------- errors


def test_broken_toml_names_file_and_line(tmp_path, cli):
    path = write(tmp_path, "naervaer.toml", '[import]\nsheet = "Fravær\n')
    message = config_error(path)
    assert message == (
        f"{path} linje 2, kolonne 16: ugyldig TOML. Sjekk anførselstegn, klammer og «=» der, "
        "rett filen og prøv igjen."
    )
    run = cli("--config", path, "check", tmp_path)
    assert run.code == 2 and run.err == f"Feil: {message}\n"


def test_unknown_key_names_line_and_suggests(tmp_path, cli):
    path = write(tmp_path, "naervaer.toml", '# skolen\n[import]\nshet = "Fravær"\n')
    message = f"{path} linje 3: ukjent nøkkel «shet» i [import] – mente du «sheet»?"
    assert config_error(path) == message
    run = cli("--config", path, "check", tmp_path)
    assert (run.code, run.err, run.out) == (2, f"Feil: {message}\n", "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('polcy = "aas"\n', "linje 1: ukjent nøkkel «polcy» – mente du «policy»?"),
        ("\n[importt]\nsheet = 1\n", "linje 2: ukjent tabell [importt] – mente du [import]?"),
        (
            '[mail.stafff]\n"Kari" = "k@s.no"\n',
            "linje 1: ukjent tabell [mail.stafff] – mente du [mail.staff]?",
        ),
        (
            "[mail]\nhost = 'h'\nxyz = 1\n",
            "linje 3: ukjent nøkkel «xyz» i [mail]. Kjente nøkler i [mail]: allow_plain, cafile, "
            "details_hint, "
            "from, full_names, groups, host, leadership, password_env, password_file, port, "
            "reply_to, security, staff, staff_csv, timeout, username.",
        ),
        ("mail.prot = 25\n", "linje 1: ukjent nøkkel «prot» i [mail] – mente du «port»?"),
        (
            "[calendar]\nbreaks = [\n  {from = 2026-10-05, name = 'Høst'},\n"
            "  {from = 2026-12-21, too = 2027-01-01},\n]\n",
            "linje 4: ukjent nøkkel «too» i [[calendar.breaks]] – mente du «to»?",
        ),
        (
            "[[calendar.breaks]]\nfrom = 2026-10-05\n\n[[calendar.breaks]]\nfrom = 2026-12-21\n"
            "nam = 'Jul'\n",
            "linje 6: ukjent nøkkel «nam» i [[calendar.breaks]] – mente du «name»?",
        ),
    ],
)
def test_unknown_keys_and_tables(tmp_path, text, message):
    path = write(tmp_path, "naervaer.toml", text)
    assert config_error(path) == f"{path} {message}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[mail]\nhost = "h"\nport = "587"\n',
            "linje 3: «mail.port» skal være et helt tall fra 1 til 65535, ikke «587».",
        ),
        (
            "mail = { port = 0 }\n",
            "linje 1: «mail.port» skal være et helt tall fra 1 til 65535, ikke «0».",
        ),
        (
            'setting = "skule"\n',
            "linje 1: «setting» skal være en av «skole», «barnehage», ikke «skule».",
        ),
        (
            '[import.codes]\n"Syk m/egenm." = "syk"\n',
            'linje 2: «import.codes."Syk m/egenm."» skal være en av «udokumentert», '
            "«dokumentert», «sykdom», «permisjon», «ubehandlet», «for_sent», «forlot_skolen», "
            "«ikke_fravaer», «tilstede», ikke «syk».",
        ),
        (
            '[documents]\nterm_start = "15.08.2026"\n',
            "linje 2: «documents.term_start» skal være en dato (ÅÅÅÅ-MM-DD), ikke «15.08.2026».",
        ),
        (
            "[mail]\nstaff = 3\n",
            "linje 2: «mail.staff» skal være en tabell ([mail.staff]), ikke «3».",
        ),
    ],
)
def test_bad_values_name_line_and_key(tmp_path, text, message):
    path = write(tmp_path, "naervaer.toml", text)
    assert config_error(path) == f"{path} {message}"


def test_user_chosen_keys_are_accepted(tmp_path):
    path = write(
        tmp_path,
        "naervaer.toml",
        '[import.codes]\n"Syk m/egenm." = "sykdom"\n[import.columns]\ndate = ["Hendelsesdato"]\n'
        '[mail.groups]\n"7A" = "Kari Lærer"\n"7B" = ["Per", "Pål"]\n',
    )
    config = load_config(path)
    assert config.table("import.codes") == {"Syk m/egenm.": "sykdom"}
    assert config.table("mail.groups")["7B"] == ["Per", "Pål"]


# ------------------------------------------------------------------------------- locator


def test_locator_finds_headers_arrays_dotted_and_inline_keys():
    text = (
        "# kommentar\n"  # 1
        'school = "A"  # navn\n'  # 2
        "[mail]\n"  # 3
        'leadership = [\n  "a@s.no",\n  "b@s.no",\n]\n'  # 4-7
        'note = """\nhost = "ikke en nøkkel"\n"""\n'  # 8-10
        "staff.'Kari L.' = 'k@s.no'\n"  # 11
        "[[plan.levels]]\nlevel = 0\n"  # 12-13
        "[[plan.levels]]\nlevel = 1\n"  # 14-15
        "[plan.levels.extra]\nx = { y = 1, z = [1, 2] }\n"  # 16-17
        "[mail.tls]\nhost = 'h'\n"  # 18-19
    )
    doc = tomlconfig.parse(text, "f.toml")
    assert doc.line_of("school") == 2
    assert doc.line_of("mail") == 3
    assert doc.line_of("mail.leadership") == 4
    assert doc.line_of("mail.leadership[1]") == 6
    assert doc.line_of(("mail", "staff", "Kari L.")) == 11
    assert doc.line_of("plan.levels[0].level") == 13
    assert doc.line_of("plan.levels[1].level") == 15
    assert doc.line_of("plan.levels[1].extra.x.z") == 17
    assert doc.line_of("mail.tls.host") == 19  # not the text inside the string on line 9
    assert doc.line_of("mail.nothing") == 3  # the nearest table around it
    assert doc.line_of("elsewhere") is None
    assert doc.help_of(("school",)) == "navn"
    assert doc.where("mail.note") == "f.toml linje 8"


def test_closest_key():
    assert tomlconfig.closest("lesson_time", ["lesson_times", "sheet"]) == "lesson_times"
    assert tomlconfig.closest("SHEET", ["sheet"]) == "sheet"
    assert tomlconfig.closest("xyz", ["sheet", "codes"]) is None


# ------------------------------------------------------------------------------- drift


def test_every_key_the_code_reads_is_in_the_field_table():
    """A key read anywhere in src/ without an entry in FIELDS would be refused in every file."""
    pattern = re.compile(
        r"config\.(?:get|table)\(\s*\"([\w.]+)\""
        r"|config\.setting\([^\"]*\"\w*\",\s*\"([\w.]+)\""
        r"|config\.fail\(\s*\"([\w.]+)\""
    )
    read: set[str] = set()
    for path in SRC.rglob("*.py"):
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            read.add(next(g for g in match.groups() if g))
    known = {f.path for f in FIELDS}
    assert read >= {"mail.port", "import.sheet", "policy", "case.by", "calendar"}
    assert sorted(k for k in read - known if not any(f.startswith(k + ".") for f in known)) == []


def test_readme_key_table_is_generated_from_the_fields():
    """`UPDATE_GOLDEN=1` rewrites the README's table; review the diff."""
    readme = REPO / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- config-keys:start -->\n", "<!-- config-keys:end -->"
    head, rest = text.split(start)
    _, tail = rest.split(end)
    expected = head + start + reference() + end + tail
    if os.environ.get("UPDATE_GOLDEN"):
        readme.write_text(expected, encoding="utf-8")
    assert text == expected
    assert "./naervaer.toml" not in text
