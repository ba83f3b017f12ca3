"""notify against a real SMTP server on loopback: STARTTLS, AUTH, refusals, dropped connections."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from mail_fixtures import (
    FULL_NAMES,
    absence,
    lessons,
    mail_table,
    make_config,
    pupil,
    school_result,
    standard_result,
)
from smtp_fixtures import PASSWORD, Handler, Server, free_port

from naervaer_cli.config import Config
from naervaer_cli.errors import ConfigError, ExitCode
from naervaer_cli.mail.notify import NotifyReport, notify
from naervaer_cli.mail.sentlog import SentLog
from naervaer_cli.mail.settings import load_mail_settings
from naervaer_cli.mail.staff import load_staff
from naervaer_cli.mail.transport import SmtpMailer
from naervaer_cli.result import ScanResult

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def smtp_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NAERVAER_SMTP_PASSWORD", PASSWORD)


def send(config: Config, result: ScanResult) -> NotifyReport:
    settings = load_mail_settings(config)
    mailer = SmtpMailer(settings)
    try:
        with SentLog.in_home(config.home) as log:
            return notify(
                result,
                config=config,
                settings=settings,
                staff=load_staff(config),
                mailer=mailer,
                sent_log=log,
                now=NOW,
            )
    finally:
        mailer.close()


def by_recipient(server: Server) -> dict[str, list]:
    got: dict[str, list] = {}
    for item in server.handler.take():
        got.setdefault(item.to, []).append(item)
    return got


def test_each_kontaktlaerer_gets_exactly_their_pupils(
    smtp_server: Server, naervaer_home: Path
) -> None:
    config = make_config(naervaer_home, mail_table(smtp_server))

    report = send(config, standard_result())

    assert report.exit_code == ExitCode.OK
    got = by_recipient(smtp_server)
    assert sorted(got) == ["kari@skole.no", "per@skole.no", "rektor@skole.no"]
    assert all(len(mails) == 1 for mails in got.values())
    kari, per = got["kari@skole.no"][0], got["per@skole.no"][0]

    assert kari.message["Subject"] == "Nærvær uke 47: 2 elever å følge opp (7A)"
    assert per.message["Subject"] == "Nærvær uke 47: 1 elev å følge opp (7B)"
    for part in (kari.text(), kari.html()):
        assert "O.N. (7A, 10234)" in part and "E.H. (7A, 10240)" in part
        assert "10301" not in part and "10402" not in part
    for part in (per.text(), per.html()):
        assert "J.B. (7B, 10301)" in part
        assert "10234" not in part and "10240" not in part and "10402" not in part
    assert "Evaluering forfaller 27.11.2026" in per.text()
    assert "NIVÅ 1" in per.text()


def test_leadership_summary_lists_pupils_without_recipient(
    smtp_server: Server, naervaer_home: Path
) -> None:
    config = make_config(naervaer_home, mail_table(smtp_server))

    send(config, standard_result())

    boss = by_recipient(smtp_server)["rektor@skole.no"][0]
    assert boss.message["Subject"] == (
        "Nærvær uke 47: oversikt Åsgård skole – 4 elever å følge opp, 1 uten mottaker"
    )
    text = boss.text()
    head, _, rest = text.partition("UTEN MOTTAKER")
    unrouted, _, news = rest.partition("Nytt siden forrige oversikt")
    assert "S.D. (7C, 10402)" in unrouted
    assert "Merk: ingen e-postadresse for Ukjent Vikar" in unrouted
    assert "Se fraværet i IST (elevnummer 10402)." in unrouted
    # counts per NIVÅ open the summary; the groups follow the pupils without a recipient
    assert "Per NIVÅ:\r\n- NIVÅ 0: 3 bekymring, 0 følg med\r\n" in head
    assert "- 7C (Ukjent Vikar): 1 bekymring, 0 følg med – varslet: uten mottaker" in unrouted
    assert "- 7A (Kari Lærer): 2 bekymring, 0 følg med – varslet: ja" in unrouted
    for label in ("O.N. (7A, 10234)", "E.H. (7A, 10240)", "J.B. (7B, 10301)"):
        assert label in news
    assert "Mangler e-postadresse: Ukjent Vikar." in text
    assert "Uten mottaker" in boss.html()


def test_no_full_names_by_default_and_full_names_when_configured(
    smtp_server: Server, naervaer_home: Path, tmp_path: Path
) -> None:
    send(make_config(naervaer_home, mail_table(smtp_server)), standard_result())
    for item in smtp_server.handler.take():
        raw = item.message.as_string() + item.text() + item.html()
        assert not [name for name in FULL_NAMES if name in raw], item.to
        assert "Snakk med barnet/eleven under hele prosessen." in item.text()

    other_home = tmp_path / "home2"
    send(make_config(other_home, mail_table(smtp_server, full_names=True)), standard_result())
    kari = by_recipient(smtp_server)["kari@skole.no"][0]
    assert "Ola Nordmann (7A, 10234)" in kari.text()
    assert "Emma Hansen (7A, 10240)" in kari.html()


def test_second_run_sends_nothing_new(smtp_server: Server, naervaer_home: Path) -> None:
    config = make_config(naervaer_home, mail_table(smtp_server))
    send(config, standard_result())
    assert len(smtp_server.handler.take()) == 3

    report = send(config, standard_result())

    assert report.sent == () and report.failed == ()
    assert report.unchanged == 3
    assert smtp_server.handler.take() == []


def test_only_the_pupil_with_something_new_is_mailed_again(
    smtp_server: Server, naervaer_home: Path
) -> None:
    config = make_config(naervaer_home, mail_table(smtp_server))
    send(config, standard_result())
    smtp_server.handler.take()
    # A week on: Ola has one more absence day; Emma's flag is unchanged.
    later = standard_result().pupils
    ola = pupil("10234", "Nordmann, Ola", "7A", "Kari Lærer", absence(9), lessons(3, 5))
    result = school_result(ola, *later[1:])

    send(config, result)

    got = by_recipient(smtp_server)
    kari = got["kari@skole.no"][0]
    assert kari.message["Subject"] == "Nærvær uke 47: 1 elev å følge opp (7A)"
    assert "O.N. (7A, 10234)" in kari.text() and "10240" not in kari.text()
    assert (
        "Fraværsdager: 9 dager med fravær siste 4 uker – veilederens grense er 7 [nytt]"
        in kari.text()
    )
    assert "I tillegg står 1 elev fortsatt på listen" in kari.text()
    assert "per@skole.no" not in got
    assert list(got) == ["kari@skole.no", "rektor@skole.no"]


def test_dates_leaving_the_window_are_not_news(smtp_server: Server, naervaer_home: Path) -> None:
    config = make_config(naervaer_home, mail_table(smtp_server))
    first = school_result(pupil("1", "A, B", "7A", "Kari Lærer", absence(9, start=2)))
    send(config, first)
    smtp_server.handler.take()
    # The window moved: the first two dates dropped out, nothing new came in.
    send(config, school_result(pupil("1", "A, B", "7A", "Kari Lærer", absence(7, start=4))))
    assert smtp_server.handler.take() == []


def test_refused_recipient_fails_and_is_retried_without_duplicates(
    smtp_server: Server, naervaer_home: Path
) -> None:
    config = make_config(naervaer_home, mail_table(smtp_server))
    smtp_server.handler.refuse = {"per@skole.no"}

    report = send(config, standard_result())

    assert report.exit_code == ExitCode.FAILURE
    assert [(f.recipient, f.kind) for f in report.failed] == [("per@skole.no", "kontaktlærer")]
    assert "550" in report.failed[0].reason
    first = by_recipient(smtp_server)
    assert sorted(first) == ["kari@skole.no", "rektor@skole.no"]
    assert "varslet: sending feilet, prøves igjen" in first["rektor@skole.no"][0].text()

    smtp_server.handler.refuse = set()
    report = send(config, standard_result())

    assert report.exit_code == ExitCode.OK
    again = by_recipient(smtp_server)
    assert list(again) == ["per@skole.no"]
    assert "J.B. (7B, 10301)" in again["per@skole.no"][0].text()


def test_dropped_connection_fails_that_mail_and_the_rest_go_through(
    smtp_server: Server, naervaer_home: Path
) -> None:
    config = make_config(naervaer_home, mail_table(smtp_server))
    smtp_server.handler.drop_for = {"kari@skole.no"}  # the first mail of the run

    report = send(config, standard_result())

    assert report.exit_code == ExitCode.FAILURE
    assert [f.recipient for f in report.failed] == ["kari@skole.no"]
    assert sorted(by_recipient(smtp_server)) == ["per@skole.no", "rektor@skole.no"]

    report = send(config, standard_result())

    assert report.exit_code == ExitCode.OK and not report.failed
    again = by_recipient(smtp_server)
    assert list(again) == ["kari@skole.no"]
    assert "O.N. (7A, 10234)" in again["kari@skole.no"][0].text()


def test_wrong_password_is_a_config_error_and_nothing_is_logged(
    smtp_server: Server, naervaer_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NAERVAER_SMTP_PASSWORD", "feil-passord")
    config = make_config(naervaer_home, mail_table(smtp_server))

    with pytest.raises(ConfigError) as caught:
        send(config, standard_result())

    assert "godtok ikke brukernavn/passord" in str(caught.value)
    assert "feil-passord" not in str(caught.value)
    with SentLog.in_home(naervaer_home) as log:
        assert log.mails() == []


def test_untrusted_certificate_is_refused(smtp_server: Server, naervaer_home: Path) -> None:
    table = mail_table(smtp_server)
    del table["cafile"]
    config = make_config(naervaer_home, table)

    with pytest.raises(ConfigError, match="kunne ikke bekreftes"):
        send(config, standard_result())
    assert smtp_server.handler.take() == []


def test_implicit_tls_on_the_ssl_port(cert, naervaer_home: Path) -> None:
    import ssl

    from aiosmtpd.controller import Controller

    crt, key = cert
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(crt, key)
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), ssl_context=context)
    controller.start()
    try:
        server = Server("127.0.0.1", controller.port, crt, handler)
        table = mail_table(server, security="ssl")
        del table["username"]
        report = send(make_config(naervaer_home, table), standard_result())
    finally:
        controller.stop()
    assert report.exit_code == ExitCode.OK
    assert sorted(r.to for r in handler.received) == [
        "kari@skole.no",
        "per@skole.no",
        "rektor@skole.no",
    ]
