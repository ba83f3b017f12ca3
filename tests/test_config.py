"""Config: where it is read from, precedence flag > env > file > default, and bad TOML."""

from __future__ import annotations

from pathlib import Path

import pytest

from naervaer_cli.config import Config, default_home, load_config
from naervaer_cli.errors import ConfigError


def test_home_from_environment(naervaer_home):
    assert default_home() == naervaer_home


def test_home_default_is_the_platform_data_dir(monkeypatch):
    monkeypatch.delenv("NAERVAER_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", "/tmp/xdg-test")
    assert default_home() == Path("/tmp/xdg-test/naervaer")


def test_search_order_cwd_then_home(naervaer_home, tmp_path, monkeypatch):
    (naervaer_home / "config.toml").write_text('[case]\nby = "hjem"\n', encoding="utf-8")
    assert load_config().get("case.by") == "hjem"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "naervaer.toml").write_text('[case]\nby = "her"\n', encoding="utf-8")
    assert load_config().get("case.by") == "her"
    explicit = tmp_path / "annen.toml"
    explicit.write_text('[case]\nby = "flagg"\n', encoding="utf-8")
    assert load_config(explicit).get("case.by") == "flagg"


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


def test_broken_toml_names_file_and_line(tmp_path, cli):
    path = tmp_path / "naervaer.toml"
    path.write_text('[import]\nsheet = "Fravær\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == (
        f"{path}, linje 2, kolonne 16: ugyldig TOML. Sjekk anførselstegn, klammer og «=» der, "
        "rett filen og prøv igjen."
    )
    run = cli("--config", path, "check", tmp_path)
    assert run.code == 2 and run.err == f"Feil: {info.value}\n"


def test_missing_config_file(tmp_path, cli):
    run = cli("--config", tmp_path / "borte.toml", "check", tmp_path)
    assert run.code == 2
    assert run.err == f"Feil: Fant ikke konfigurasjonsfilen {tmp_path / 'borte.toml'}.\n"
