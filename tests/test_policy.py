"""The policy file: loading, overrides, validation messages with file and line, init/show."""

from __future__ import annotations

import io
import tokenize
from datetime import time
from pathlib import Path

import pytest

from naervaer_cli.errors import InputError, UsageError
from naervaer_cli.policy import (
    describe_policy,
    load_policy,
    shipped_names,
    shipped_text,
    write_policy_copy,
)

POLICY_MODULES = [
    "policy.py",
    "rules/school.py",
    "rules/signals.py",
    "rules/kindergarten.py",
    "rules/flags.py",
    "levels.py",
    "scan.py",
]
SRC = Path(__file__).resolve().parents[1] / "src" / "naervaer_cli"


def test_shipped_aas_holds_the_guide_numbers() -> None:
    policy = load_policy()
    school = policy.school
    assert policy.name == "aas"
    assert school.window_days == 28
    assert school.whole_day_minutes == 240
    assert school.block_gap_minutes == 45
    assert (school.left_min_after_start, school.left_max_before_end) == (45, 15)
    assert (school.day.start, school.day.end) == (time(8, 30), time(14, 0))
    assert school.rules["absence_days"].concern == 7
    assert school.rules["absence_days"].watch == 5
    assert school.rules["left_during_day"].concern == 2
    assert school.rules["single_lessons"].concern == 2
    assert school.rules["subject_absence"].concern == 2
    assert [s.name for s in school.subjects] == [
        "Kroppsøving",
        "Svømming",
        "Turdag",
        "Aktivitetsdag",
        "Ekskursjon",
    ]
    assert "krø" in school.subjects[0].prefixes
    assert set(school.counting_kinds) == {
        "udokumentert",
        "dokumentert",
        "sykdom",
        "ubehandlet",
        "forlot_skolen",
    }
    kg = policy.kindergarten
    assert kg.rules["unnotified_absence"].concern == 2
    assert kg.rules["high_absence"].watch == 5 and kg.high_absence_percentile == 90
    assert kg.age_bands == ((0, 2), (3, 5))
    assert kg.closing_time == time(16, 30)


def test_innsatsplan_in_the_guides_words() -> None:
    policy = load_policy("aas")
    skole = policy.plans["skole"]
    assert [lv.level for lv in skole.levels] == [0, 1, 2]
    assert skole.level(0).responsible == ("Kontaktlærer",)
    assert skole.level(1).tools[0] == "Elevsamtale"
    assert "Samarbeidsavtale" in skole.level(1).tools
    assert skole.level(2).tools == ("Drøfting i tverrfaglig ressursteam",)
    assert "Barnevern" in skole.level(2).others
    assert skole.evaluation_days == 21
    barnehage = policy.plans["barnehage"]
    assert barnehage.level(0).responsible == ("Ped.leder", "Styrer")
    assert barnehage.evaluation_days is None
    assert "Tiltaksplan ved uro" in barnehage.level(1).tools
    assert policy.talk_to_child == "Snakk med barnet/eleven under hele prosessen."


def test_no_municipal_number_in_the_rule_code() -> None:
    """The thresholds of the guide live in the policy file, not in Python (numeric literals)."""
    guide_numbers = {"7", "5", "28", "240", "45", "15", "90", "10", "3", "14", "16"}
    for name in POLICY_MODULES:
        source = (SRC / name).read_text("utf-8")
        tokens = tokenize.generate_tokens(io.StringIO(source).readline)
        hits = [t.string for t in tokens if t.type == tokenize.NUMBER and t.string in guide_numbers]
        assert hits == [], f"{name}: {hits}"


def test_a_partial_file_is_read_over_the_default(tmp_path: Path) -> None:
    path = tmp_path / "minkommune.toml"
    path.write_text(
        "[school]\nwindow_days = 21\n\n[school.rules.absence_days]\nconcern = 6\nwatch = 4\n"
        '\n[school.day.grades]\n"1" = { start = "08:30", end = "13:30" }\n',
        encoding="utf-8",
    )
    policy = load_policy(path)
    assert policy.name == "minkommune"
    assert policy.school.window_days == 21
    assert policy.school.rules["absence_days"].concern == 6
    assert policy.school.rules["single_lessons"].concern == 2
    assert policy.school.day_for("1B").end == time(13, 30)
    assert policy.school.day_for("7A").end == time(14, 0)
    assert policy.source == str(path)


def test_group_beats_grade(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        '[school.day.grades]\n"7" = { start = "08:30", end = "14:30" }\n'
        '[school.day.groups]\n"7A" = { start = "08:15", end = "15:00" }\n',
        encoding="utf-8",
    )
    school = load_policy(path).school
    assert school.day_for("7A").end == time(15, 0)
    assert school.day_for("7B").end == time(14, 30)


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "ødelagt.toml"
    path.write_text("[school]\nwindow_days = 28\nwhole_day_minutes = = 240\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_policy(path)
    assert str(err.value).startswith(f"{path} linje 3, kolonne ")
    assert "ugyldig TOML" in str(err.value)


def test_bad_value_names_file_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        '# kommentar\n[school]\nwindow_days = 28\n\n[school.rules.absence_days]\nconcern = "sju"\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_policy(path)
    assert str(err.value) == (
        f"{path} linje 6: «school.rules.absence_days.concern» skal være et helt tall ≥ 1, "
        "ikke «sju»."
    )


def test_watch_must_be_below_concern(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text("[school.rules.absence_days]\nconcern = 5\nwatch = 5\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"linje 3: «school.rules.absence_days.watch» \(5\)"):
        load_policy(path)


def test_unknown_key_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text("[school]\nwindow_dayz = 21\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_policy(path)
    assert str(err.value) == (
        f"{path} linje 2: ukjent nøkkel «window_dayz» i [school] – mente du «window_days»?"
    )


def test_unknown_kind_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('[school]\ncounting_kinds = ["sykdom", "skulk"]\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"linje 2: .*ukjente fraværstypen «skulk»"):
        load_policy(path)


def test_bad_subject_item_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        '[[school.subjects]]\nname = "Kroppsøving"\nprefixes = ["krø"]\n\n'
        '[[school.subjects]]\nname = "Svømming"\nprefixes = "svøm"\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_policy(path)
    assert str(err.value) == (
        f"{path} linje 7: «school.subjects[1].prefixes» skal være en liste med tekster, "
        'f.eks. ["a", "b"].'
    )


def test_bad_clock(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('[school.day]\nstart = "8"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"linje 2: «school.day.start» skal være et klokkeslett"):
        load_policy(path)


def test_missing_file_and_unknown_name() -> None:
    with pytest.raises(InputError, match="Fant ikke policyfilen"):
        load_policy(Path("finnes/ikke.toml"))
    with pytest.raises(UsageError, match="Ukjent policy «oslo»"):
        load_policy("oslo")


def test_init_writes_a_copy_that_loads_the_same(tmp_path: Path) -> None:
    dest = write_policy_copy(tmp_path / "kopi.toml")
    assert dest.read_text("utf-8") == shipped_text("aas")
    copy = load_policy(dest)
    original = load_policy("aas")
    assert copy.school == original.school
    assert copy.plans == original.plans
    with pytest.raises(UsageError, match="finnes allerede"):
        write_policy_copy(dest)
    assert write_policy_copy(tmp_path) == tmp_path / "aas.toml"


def test_describe_shows_rules_and_plan() -> None:
    text = describe_policy(load_policy())
    assert "absence_days (Fraværsdager): bekymring ≥ 7, følg med ≥ 5" in text
    assert "Kroppsøving: kroppsøving, krø" in text
    assert "INNSATSPLAN – SKOLE" in text and "INNSATSPLAN – BARNEHAGE" in text
    assert "    ANSVARLIG: Kontaktlærer\n" in text
    assert text.endswith("NB – Snakk med barnet/eleven under hele prosessen.\n")
    assert "  Høyst 10 dager unntatt per skoleår; timer avrundes til nærmeste\n" in text


def test_policy_show_describes_every_table_of_the_policy_file() -> None:
    """`policy show` cannot drift from the policy file: each top-level table has a section."""
    from naervaer_cli.policy import POLICY_SECTIONS, policy_fields

    tables = {f.path.split(".")[0] for f in policy_fields() if "." in f.path}
    assert tables - set(POLICY_SECTIONS) == set()
    text = describe_policy(load_policy())
    for heading in POLICY_SECTIONS.values():
        assert f"\n{heading}" in text


def test_shipped_names() -> None:
    assert "aas" in shipped_names()


def test_policy_cli_show_and_init(tmp_path: Path) -> None:
    """The sub-app on its own (registration in cli/app.py is the lead's)."""
    from typer.testing import CliRunner

    from naervaer_cli.cli.policy import app

    runner = CliRunner()
    shown = runner.invoke(app, ["show", "--policy", "aas"])
    assert shown.exit_code == 0
    assert shown.stdout == describe_policy(load_policy("aas"))
    dest = tmp_path / "min.toml"
    made = runner.invoke(app, ["init", str(dest)])
    assert made.exit_code == 0
    assert dest.read_text("utf-8") == shipped_text("aas")


def test_policy_commands_through_the_entry_point(cli, tmp_path: Path) -> None:
    shown = cli("policy", "show")
    assert (shown.code, shown.err) == (0, "")
    assert shown.out == describe_policy(load_policy("aas"))
    made = cli("policy", "init", "-v", tmp_path / "min.toml")
    assert made.code == 0
    assert made.err == (
        f"Skrev {tmp_path / 'min.toml'}. Rediger den og bruk den med "
        f"--policy {tmp_path / 'min.toml'}.\n"
    )
    again = cli("policy", "init", tmp_path / "min.toml")
    assert again.code == 2
    assert again.err == (
        f"Feil: {tmp_path / 'min.toml'} finnes allerede. Velg et annet navn, eller bruk --force.\n"
    )


def test_a_broken_policy_is_one_line_and_exit_2(cli, tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text("[school.rules.single_lessons]\nconcern = 0\n", encoding="utf-8")
    run = cli("policy", "show", "--policy", path)
    assert run.code == 2
    assert run.err == (
        f"Feil: {path} linje 2: «school.rules.single_lessons.concern» skal være "
        "et helt tall ≥ 1, ikke «0».\n"
    )
    assert run.out == ""


def test_policy_from_the_config_file(cli, tmp_path: Path, naervaer_home: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text("[school]\nwindow_days = 21\n", encoding="utf-8")
    (naervaer_home / "config.toml").write_text(f'policy = "{path}"\n', encoding="utf-8")
    run = cli("policy", "show")
    assert run.code == 0
    assert "Vindu: siste 21 dager" in run.out
    assert f"Fil: {path}" in run.out


def test_subject_alias_without_a_name_names_file_and_line(tmp_path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('[school.subject_aliases]\n"MAT" = " "\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_policy(path)
    assert str(err.value) == (
        f"{path} linje 2: «school.subject_aliases.MAT» skal ha et fagnavn på begge sider, "
        'f.eks. "KRØ" = "Kroppsøving".'
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[school.rulez.absence_days]\nconcern = 3\n",
            "linje 1: ukjent tabell [school.rulez] – mente du [school.rules]?",
        ),
        (
            '[[school.subjects]]\nname = "Svømming"\nprefix = ["svøm"]\n',
            "linje 3: ukjent nøkkel «prefix» i [[school.subjects]] – mente du «prefixes»?",
        ),
        (
            '[school.day.groups]\n"7A" = { start = "08:15", ende = "15:00" }\n',
            "linje 2: ukjent nøkkel «ende» i [school.day.groups.7A] – mente du «end»?",
        ),
        (
            "[school]\nwindow_days = 28\nzzz = 1\n",
            "linje 3: ukjent nøkkel «zzz» i [school]. Kjente nøkler i [school]: "
            "block_gap_minutes, counting_kinds, day, late_kind, left_during_day, left_kind, "
            "lesson_minutes, rules, signals, single_lesson_kinds, subject_aliases, subjects, "
            "whole_day_minutes, window_days.",
        ),
    ],
)
def test_unknown_keys_name_line_and_suggest(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_policy(path)
    assert str(err.value) == f"{path} {message}"


def test_the_shipped_default_is_the_schema() -> None:
    """A key added to the default policy (by anyone) is known at once, with no second list."""
    import tomllib

    from naervaer_cli.policy import _Reader

    base = tomllib.loads(shipped_text("aas"))
    base["school"]["new_key"] = 1
    text = "[school]\nnew_key = 2\n"
    _Reader("p.toml", text).check_keys(tomllib.loads(text), base)
    with pytest.raises(InputError, match=r"^p.toml linje 2: ukjent nøkkel «new_kee» i \[school\]"):
        _Reader("p.toml", "[school]\nnew_kee = 2\n").check_keys({"school": {"new_kee": 2}}, base)


def test_policy_show_keys_lists_every_key_of_the_default(cli) -> None:
    import tomllib

    run = cli("policy", "show", "--keys")
    assert (run.code, run.err) == (0, "")
    lines = run.out.splitlines()

    def leaves(data: dict, prefix: str) -> list[str]:
        out = []
        for key, value in data.items():
            # A key that is not a bare TOML key is quoted, as in the file («"KRØ"»).
            path = prefix + (
                key if key.isascii() and key.replace("_", "").isalnum() else f'"{key}"'
            )
            if isinstance(value, dict):
                out += leaves(value, path + ".")
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for item in value:
                    out += leaves(item, path + "[].")
            else:
                out.append(path)
        return out

    for path in leaves(tomllib.loads(shipped_text("aas")), ""):
        assert any(line == path or line.startswith(f"{path} = ") for line in lines), path
    assert "school.window_days = 28" in lines
    index = lines.index("school.window_days = 28")
    assert lines[index + 1] == (
        "    Vinduet: de siste N kalenderdagene til og med referansedatoen («3–4 uker»)."
    )
    assert "[[school.subjects]]" in lines and 'school.subjects[].name = "Kroppsøving"' in lines
    assert "school.day.groups.NAVN.start" in lines
