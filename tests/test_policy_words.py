"""The policy is the only source of rule labels and subject names: a municipality's copy that
renames a label and adds a subject alias changes scan, show, mail and pack alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from naervaer_cli.policy import load_policy, shipped_text

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "ist_fravaer.csv"
LABEL = "Hele fraværsdager i vinduet"
ALIAS = "Kunst, håndverk og design"


@pytest.fixture
def own_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped policy copied, with absence_days renamed and «Kunst og håndverk» aliased."""
    text = shipped_text("aas")
    assert 'label = "Fraværsdager"' in text and '"KRØ" = "Kroppsøving"' in text
    text = text.replace('label = "Fraværsdager"', f'label = "{LABEL}"')
    text = text.replace(
        '"KRØ" = "Kroppsøving"', f'"KRØ" = "Kroppsøving"\n"kunst og håndverk" = "{ALIAS}"'
    )
    path = tmp_path / "kommune.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("NAERVAER_POLICY", str(path))
    return path


def test_the_copy_is_read_as_written(own_policy: Path) -> None:
    policy = load_policy(own_policy)
    assert policy.labels["absence_days"] == LABEL
    assert policy.school.subject_name(" Kunst og Håndverk ") == ALIAS
    assert policy.school.subject_name("krø") == "Kroppsøving"


def test_scan_table_and_csv_use_the_policys_label(cli, own_policy: Path) -> None:
    table = cli("scan", SAMPLE, "--group", "7A")
    assert table.code == 0, table.err
    assert f"{LABEL} " in table.out and "Fraværsdager" not in table.out
    csv = cli("scan", SAMPLE, "--group", "7A", "--format", "csv")
    assert LABEL in csv.out and "Fraværsdager" not in csv.out


def test_show_uses_the_label_and_the_alias(cli, own_policy: Path) -> None:
    run = cli("show", "10229", SAMPLE)
    assert run.code == 0, run.err
    assert f"{LABEL}: " in run.out and "Fraværsdager" not in run.out
    assert f"  {ALIAS}  " in run.out and "Kunst og håndverk" not in run.out


def test_mail_uses_the_label(cli, own_policy: Path, tmp_path: Path) -> None:
    config = tmp_path / "naervaer.toml"
    config.write_text(
        '[mail]\nfrom = "naervaer@skole.no"\nleadership = ["rektor@skole.no"]\n'
        '[mail.staff]\n"Terje Nygård" = "terje@skole.no"\n',
        encoding="utf-8",
    )
    out = tmp_path / "eml"
    run = cli("--config", config, "notify", SAMPLE, "--dry-run", out)
    assert run.code == 0, run.err
    for body in _bodies(out / "01-terje@skole.no.eml"):  # text and HTML
        assert LABEL in body and "Fraværsdager" not in body


def _bodies(path: Path) -> list[str]:
    from email import policy
    from email.parser import BytesParser

    with path.open("rb") as fh:
        message = BytesParser(policy=policy.default).parse(fh)
    return [part.get_content() for part in message.iter_parts()]


def test_pack_uses_the_label_and_the_alias(cli, own_policy: Path, tmp_path: Path) -> None:
    run = cli("pack", "10229", "-i", SAMPLE, "--out", tmp_path, "-f", "md")
    assert run.code == 0, run.err
    text = (tmp_path / "elev-10229.md").read_text(encoding="utf-8")
    assert LABEL in text and "Fraværsdager" not in text
    assert f"| {ALIAS} |" in text and "Kunst og håndverk" not in text
