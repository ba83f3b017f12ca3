"""`naervaer notify` end to end: real exports, a real loopback SMTP server, exit codes for cron."""

from __future__ import annotations

import stat
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from smtp_fixtures import PASSWORD, Server

from naervaer_cli.mail.lock import notify_lock
from naervaer_cli.mail.sentlog import SENT_LOG_NAME

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "ist_fravaer.csv"
# In the sample export: 7A has Terje Nygård, 7B Hilde Vestby; 5A and 9C get no address here.
STAFF = '"Terje Nygård" = "terje@skole.no"\n"Hilde Vestby" = "hilde@skole.no"\n'


def write_config(folder: Path, server: Server | None = None, extra: str = "") -> Path:
    lines = [
        'school = "Åsgård skole"',
        "[mail]",
        'from = "Nærvær <naervaer@skole.no>"',
        'leadership = ["rektor@skole.no"]',
    ]
    if server is not None:
        lines += [
            f'host = "{server.host}"',
            f"port = {server.port}",
            'security = "starttls"',
            'username = "naervaer"',
            f'cafile = "{server.cafile}"',
            "timeout = 5",
        ]
    lines += [extra, "[mail.staff]", STAFF]
    path = folder / "naervaer.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def parse(path: Path):
    with path.open("rb") as fh:
        return BytesParser(policy=policy.default).parse(fh)


def test_dry_run_writes_eml_files_a_mail_client_can_open(
    cli, tmp_path: Path, naervaer_home: Path
) -> None:
    config = write_config(tmp_path)
    out = tmp_path / "eml"

    run = cli("--config", config, "notify", SAMPLE, "--dry-run", out)

    assert (run.code, run.out, run.err) == (0, "", "")
    files = sorted(out.iterdir())
    assert [f.name for f in files] == [
        "01-terje@skole.no.eml",
        "02-hilde@skole.no.eml",
        "03-rektor@skole.no.eml",
    ]
    for file in files:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
        message = parse(file)
        assert message.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
        assert list(message.iter_attachments()) == []
        assert message["From"] == "Nærvær <naervaer@skole.no>"
        assert message["Auto-Submitted"] == "auto-generated"
    terje = parse(files[0])
    assert terje["Subject"] == "Nærvær uke 47: 2 elever å følge opp (7A)"
    text = terje.get_body(("plain",)).get_content()
    assert "J.B. (7A, " in text and "O.F. (7A, " in text
    assert "Bakke" not in text and "Jonas" not in text
    boss = parse(files[2])
    assert boss["Subject"] == (
        "Nærvær uke 47: oversikt Åsgård skole – 13 elever å følge opp, 7 uten mottaker"
    )
    assert "Mangler e-postadresse: Randi Holm" in boss.get_body(("plain",)).get_content()
    # A dry run logs nothing: the same mails again.
    again = tmp_path / "eml2"
    assert cli("--config", config, "notify", SAMPLE, "--dry-run", again).code == 0
    assert len(list(again.iterdir())) == 3
    assert not (naervaer_home / SENT_LOG_NAME).exists() or _logged(naervaer_home) == []


def _logged(home: Path) -> list:
    from naervaer_cli.mail.sentlog import SentLog

    with SentLog.in_home(home) as log:
        return log.mails()


def test_cron_run_is_silent_and_the_second_run_sends_nothing(
    cli,
    smtp_server: Server,
    tmp_path: Path,
    naervaer_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NAERVAER_SMTP_PASSWORD", PASSWORD)
    config = write_config(tmp_path, smtp_server)

    first = cli("--config", config, "notify", SAMPLE)

    assert (first.code, first.out, first.err) == (0, "", "")
    got = smtp_server.handler.take()
    assert sorted(r.to for r in got) == ["hilde@skole.no", "rektor@skole.no", "terje@skole.no"]
    assert stat.S_IMODE((naervaer_home / SENT_LOG_NAME).stat().st_mode) == 0o600

    second = cli("--config", config, "notify", SAMPLE)

    assert (second.code, second.out, second.err) == (0, "", "")
    assert smtp_server.handler.take() == []


def test_failed_send_exits_1_naming_the_recipient_only(
    cli, smtp_server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NAERVAER_SMTP_PASSWORD", PASSWORD)
    config = write_config(tmp_path, smtp_server)
    smtp_server.handler.refuse = {"hilde@skole.no"}

    run = cli("--config", config, "notify", SAMPLE)

    assert run.code == 1
    assert run.out == ""
    assert run.err == (
        "Feil: e-posten til hilde@skole.no (kontaktlærer) ble ikke sendt: avvist av serveren "
        "(550 5.1.1 Mailbox unavailable). Den prøves igjen ved neste kjøring.\n"
    )
    assert sorted(r.to for r in smtp_server.handler.take()) == ["rektor@skole.no", "terje@skole.no"]

    smtp_server.handler.refuse = set()
    retry = cli("--config", config, "notify", SAMPLE)

    assert retry.code == 0
    assert [r.to for r in smtp_server.handler.take()] == ["hilde@skole.no"]


def test_a_second_run_while_one_is_running_exits_at_once(
    cli, tmp_path: Path, naervaer_home: Path
) -> None:
    config = write_config(tmp_path, extra='host = "smtp.skole.no"')

    with notify_lock(naervaer_home):
        run = cli("--config", config, "notify", SAMPLE)

    assert run.code == 1
    assert run.err.startswith("Feil: naervaer notify kjører allerede (låsefil ")
    assert "avsluttes uten å sende noe" in run.err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('host = "smtp.skole.no"\nsecurity = "none"', "sender ukryptert til smtp.skole.no"),
        (
            'host = "smtp.skole.no"\nsecurity = "tls"',
            "«mail.security» skal være en av «starttls», «ssl», «none», ikke «tls».",
        ),
        ('host = "smtp.skole.no"\nusername = "u"', "passordet mangler"),
        ("", "«mail.host» mangler"),
    ],
)
def test_bad_config_exits_2(
    cli, tmp_path: Path, extra: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NAERVAER_SMTP_PASSWORD", raising=False)
    config = write_config(tmp_path, extra=extra)

    run = cli("--config", config, "notify", SAMPLE)

    assert run.code == 2
    assert message in run.err
    assert run.err.count("\n") == 1


def test_password_file_readable_by_others_exits_2(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NAERVAER_SMTP_PASSWORD", raising=False)
    secret = tmp_path / "smtp-passord"
    secret.write_text("topphemmelig\n")
    secret.chmod(0o644)
    config = write_config(
        tmp_path, extra=f'host = "smtp.skole.no"\nusername = "u"\npassword_file = "{secret}"'
    )

    run = cli("--config", config, "notify", SAMPLE)

    assert run.code == 2
    assert f"Kjør «chmod 600 {secret}»" in run.err
    assert "topphemmelig" not in run.err


def test_unreachable_server_fails_every_mail_quickly_with_exit_1(
    cli, tmp_path: Path, naervaer_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("NAERVAER_SMTP_PASSWORD", PASSWORD)
    config = write_config(tmp_path, Server("127.0.0.1", port, tmp_path / "x.pem", None))
    (tmp_path / "x.pem").write_text("")
    config.write_text(config.read_text().replace(f'cafile = "{tmp_path / "x.pem"}"\n', ""))

    run = cli("--config", config, "notify", SAMPLE)

    assert run.code == 1
    lines = run.err.splitlines()
    assert [line.split(" ")[3] for line in lines] == [
        "terje@skole.no",
        "hilde@skole.no",
        "rektor@skole.no",
    ]
    assert all("fikk ikke kontakt med SMTP-serveren 127.0.0.1:" in line for line in lines)
    assert _logged(naervaer_home) == []


def test_on_a_terminal_a_summary_line_goes_to_stderr(cli, tmp_path: Path) -> None:
    config = write_config(tmp_path)

    run = cli("--config", config, "notify", SAMPLE, "--dry-run", tmp_path / "eml", tty=True)

    assert run.code == 0 and run.out == ""
    assert run.err == (
        f"Skrev 3 e-poster til {tmp_path / 'eml'} (2 til kontaktlærere, 1 til ledelsen). "
        "7 uten mottaker (med i oppsummeringen til ledelsen).\n"
    )


def test_without_files_or_history_exits_2(cli, tmp_path: Path) -> None:
    config = write_config(tmp_path)

    run = cli("--config", config, "notify", "--dry-run", tmp_path / "eml")

    assert run.code == 2
    assert "ingen lagret fraværshistorikk" in run.err
    assert not (tmp_path / "eml").exists()
