"""Templates run in Jinja's sandbox and come only from the configured folder (issue 15, item 2)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from naervaer_cli.config import Config
from naervaer_cli.documents.loader import environment
from naervaer_cli.errors import ConfigError, InputError
from naervaer_cli.mail.templates import mail_environment
from naervaer_cli.templating import override_dir, render

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "ist_fravaer.csv"
SANDBOX = (
    "er ikke tillatt i maler (malene kjører i en sandkasse som stenger Pythons indre og "
    "endringer av verdier). Fjern det."
)

# Known ways out of a Jinja template, each with the name the message quotes.
PAYLOADS = [
    ("{{ cycler.__init__.__globals__.os }}", "__init__"),
    ("{{ joiner.__init__.__globals__.os.popen('id').read() }}", "__init__"),
    ("{{ namespace.__init__.__globals__ }}", "__init__"),
    ("{{ lipsum.__globals__['os'].popen('id').read() }}", "__globals__"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "__class__"),
    ("{{ ().__class__.__base__.__subclasses__() }}", "__class__"),
    ("{{ dict.__base__.__subclasses__() }}", "__base__"),
    ("{{ self._TemplateReference__context }}", "_TemplateReference__context"),
    ("{{ self.__init__.__globals__ }}", "__init__"),
    ("{{ '{0.__class__}'.format(cycler) }}", "__class__"),
    ("{{ cycler|attr('__init__') }}", "__init__"),
    ("{% if cycler.__init__ %}x{% endif %}", "__init__"),
    ("{{ x.__class__.__init__ }}", "__init__"),  # the last unsafe name in a chain
    ("{% set items = [] %}{{ items.append(1) }}", "append"),
    ("{{ {}.update(a=1) }}", "update"),
]


def _folder(tmp_path: Path, body: str, name: str = "t.html.j2") -> Path:
    folder = tmp_path / "maler"
    folder.mkdir(mode=0o755, exist_ok=True)
    (folder / name).write_text(f"Hei\n{body}\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(("payload", "quoted"), PAYLOADS)
def test_every_known_escape_stops_with_template_and_line(
    tmp_path: Path, payload: str, quoted: str
) -> None:
    folder = _folder(tmp_path, payload)
    with pytest.raises(InputError) as err:
        render(environment(folder), "t.html.j2", x=1)
    assert str(err.value) == f"Malen {folder / 't.html.j2'}, linje 2: «{quoted}» {SANDBOX}"
    assert err.value.exit_code == 2


def test_shipped_templates_are_sandboxed_too(tmp_path: Path) -> None:
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    config = Config(home=tmp_path)
    assert isinstance(environment(None), ImmutableSandboxedEnvironment)
    assert isinstance(mail_environment(config), ImmutableSandboxedEnvironment)


def test_a_huge_range_is_a_template_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "{{ range(10**9)|list }}")
    with pytest.raises(InputError) as err:
        render(environment(folder), "t.html.j2")
    assert str(err.value) == (
        f"Malen {folder / 't.html.j2'}, linje 2: et tall eller en range() er for stor."
    )


def test_a_plain_override_still_renders(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "{{ x }} & {{ 'a' * 3 }}")
    assert render(environment(folder), "t.html.j2", x="<b>") == "Hei\n&lt;b&gt; & aaa\n"


def test_a_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "hemmelig.txt"
    outside.write_text("passord\n", encoding="utf-8")
    folder = _folder(tmp_path, "{% include 'lenke.html.j2' %}")
    (folder / "lenke.html.j2").symlink_to(outside)

    with pytest.raises(InputError) as err:
        render(environment(folder), "t.html.j2")
    assert str(err.value) == (
        f"Malen {folder / 'lenke.html.j2'} peker ut av malmappen {folder} (en symbolsk lenke) "
        "og brukes ikke. Legg selve filen i malmappen."
    )


def test_a_symlinked_subfolder_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "annet"
    (elsewhere / "mail").mkdir(parents=True)
    (elsewhere / "mail" / "kontaktlaerer.txt.j2").write_text("{{ 1 }}\n", encoding="utf-8")
    folder = _folder(tmp_path, "")
    (folder / "mail").symlink_to(elsewhere / "mail")

    with pytest.raises(InputError, match="peker ut av malmappen"):
        render(environment(folder), "mail/kontaktlaerer.txt.j2")


def test_a_symlink_inside_the_folder_is_followed(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "inne")
    (folder / "lenke.html.j2").symlink_to(folder / "t.html.j2")
    assert render(environment(folder), "lenke.html.j2") == "Hei\ninne\n"


@pytest.mark.skipif(os.name == "nt", reason="file modes are not access control on Windows")
def test_a_folder_others_can_write_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "x")
    folder.chmod(0o777)
    (tmp_path / "config.toml").write_text('[documents]\ntemplates = "maler"\n', encoding="utf-8")
    config = Config(
        home=tmp_path, data={"documents": {"templates": "maler"}}, path=tmp_path / "config.toml"
    )
    with pytest.raises(ConfigError) as err:
        override_dir(config)
    assert str(err.value) == (
        f"Malmappen {folder} kan endres av andre (rettigheter 0777) og brukes ikke. "
        f"Kjør «chmod go-w {folder}» og prøv igjen."
    )
    assert err.value.exit_code == 2


@pytest.mark.skipif(os.name == "nt", reason="file modes are not access control on Windows")
def test_a_template_others_can_write_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "x")
    (folder / "t.html.j2").chmod(0o666)
    with pytest.raises(InputError) as err:
        render(environment(folder), "t.html.j2")
    assert str(err.value) == (
        f"Malen {folder / 't.html.j2'} kan endres av andre (rettigheter 0666) og brukes ikke. "
        f"Kjør «chmod go-w {folder / 't.html.j2'}» og prøv igjen."
    )


def test_pack_with_an_escaping_override_exits_2_and_writes_nothing(
    cli, tmp_path: Path, naervaer_home: Path
) -> None:
    folder = naervaer_home / "templates"
    folder.mkdir(mode=0o700)
    (folder / "innkalling.html.j2").write_text(
        '{% extends "shipped/innkalling.html.j2" %}\n'
        "{% block title %}{{ cycler.__init__.__globals__.os.system('touch pwned') }}"
        "{% endblock %}\n",
        encoding="utf-8",
    )
    run = cli("pack", "10229", "-i", SAMPLE, "--out", tmp_path / "ut", "--meeting", "01.12.2026")
    assert run.code == 2
    assert (
        run.err == f"Feil: Malen {folder / 'innkalling.html.j2'}, linje 2: «__init__» {SANDBOX}\n"
    )
    assert not (tmp_path / "ut").exists()
    assert not Path("pwned").exists()
