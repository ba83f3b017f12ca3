"""[mail] settings, the staff directory, routing, the sent-log's idea of "new", and the lock."""

from __future__ import annotations

import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from mail_fixtures import NIVA1, absence, gym, lessons, make_config, pupil, school_result

from naervaer_cli.config import Config
from naervaer_cli.errors import ConfigError, InputError
from naervaer_cli.mail.lock import AlreadyRunning, notify_lock
from naervaer_cli.mail.routing import route
from naervaer_cli.mail.sentlog import SentLog, SentRecord, is_pupil_new
from naervaer_cli.mail.settings import Secret, load_mail_settings
from naervaer_cli.mail.staff import load_staff
from naervaer_cli.result import Flag

BASE = {"from": "naervaer@skole.no", "leadership": ["rektor@skole.no"]}


def settings_for(home: Path, **mail: object):
    return load_mail_settings(make_config(home, BASE | mail))


def test_plain_smtp_only_to_loopback_or_when_allowed(naervaer_home: Path) -> None:
    for host in ("localhost", "127.0.0.1", "::1"):
        assert settings_for(naervaer_home, host=host, security="none").port == 25
    with pytest.raises(ConfigError, match="sender ukryptert"):
        settings_for(naervaer_home, host="smtp.skole.no", security="none")
    allowed = settings_for(naervaer_home, host="smtp.skole.no", security="none", allow_plain=True)
    assert allowed.security == "none"


def test_default_ports_follow_security(naervaer_home: Path) -> None:
    assert settings_for(naervaer_home, host="smtp.skole.no").port == 587
    assert settings_for(naervaer_home, host="smtp.skole.no", security="ssl").port == 465


def test_password_from_env_never_shows(
    naervaer_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SKOLE_SMTP", "s3cret-value")
    settings = settings_for(naervaer_home, host="h", username="u", password_env="SKOLE_SMTP")
    assert settings.password is not None and settings.password.reveal() == "s3cret-value"
    assert "s3cret-value" not in repr(settings) + str(settings.password) + repr(Secret("x"))


def test_password_file_must_be_private(
    naervaer_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NAERVAER_SMTP_PASSWORD", raising=False)
    secret = tmp_path / "pw"
    secret.write_text("fra-fil\n")
    secret.chmod(0o600)
    ok = settings_for(naervaer_home, host="h", username="u", password_file=str(secret))
    assert ok.password is not None and ok.password.reveal() == "fra-fil"

    secret.chmod(0o640)
    with pytest.raises(ConfigError, match="0640") as caught:
        settings_for(naervaer_home, host="h", username="u", password_file=str(secret))
    assert "fra-fil" not in str(caught.value)


@pytest.mark.parametrize(
    ("mail", "message"),
    [
        ({"leadership": []}, "«mail.leadership» mangler"),
        ({"leadership": ["ikke en adresse"]}, "er ikke en gyldig e-postadresse"),
        ({"from": "a@b.no\r\nBcc: x@y.no"}, "er ikke en gyldig e-postadresse"),
        ({"host": "h", "port": "587"}, "«mail.port» skal være et helt tall fra 1 til 65535"),
        ({"host": "h", "security": "tls"}, "«mail.security» skal være en av «starttls»"),
        ({"host": "h", "timeout": 0}, "«mail.timeout» skal være et tall ≥ 1, ikke «0»"),
        ({"host": "h", "cafile": "finnes-ikke.pem"}, "«mail.cafile»"),
        ({"host": "h", "full_names": "ja"}, "«mail.full_names» skal være true eller false"),
    ],
)
def test_bad_mail_settings(naervaer_home: Path, mail: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_mail_settings(make_config(naervaer_home, BASE | {"host": "h"} | mail))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[mail]\nhost = "h"\nfrom = "naervaer@skole.no"\nleadership = [\n'
            '  "rektor@skole.no",\n  "ikke en adresse",\n]\n',
            "linje 6: «mail.leadership[1]» = «ikke en adresse» er ikke en gyldig "
            "e-postadresse (forventet f.eks. navn@skole.no).",
        ),
        (
            'school = "Åsgård"\n\n[mail]\nleadership = "rektor@skole.no"\nfrom = "x@s.no"\n',
            "linje 3: «mail.host» mangler (SMTP-serveren, f.eks. smtp.kommune.no).",
        ),
        (
            '[mail]\nhost = "smtp.skole.no"\nsecurity = "none"\nfrom = "x@s.no"\n'
            'leadership = "r@s.no"\n',
            "linje 3: «mail.security» = «none» sender ukryptert til smtp.skole.no. Bruk "
            "«starttls» eller «ssl», eller sett «mail.allow_plain = true» hvis dette virkelig "
            "er meningen.",
        ),
        (
            '[mail]\nhost = "h"\nleadership = ["r@s.no"]\nfrom = "x@s.no"\nfull_name = true\n',
            "linje 5: ukjent nøkkel «full_name» i [mail] – mente du «full_names»?",
        ),
    ],
)
def test_mail_errors_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    from naervaer_cli.config import load_config

    path = tmp_path / "naervaer.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_mail_settings(load_config(path))
    assert str(info.value) == f"{path} {message}"


def test_staff_csv_with_groups_windows_1252_and_semicolons(
    naervaer_home: Path, tmp_path: Path
) -> None:
    csv = tmp_path / "ansatte.csv"
    text = "Navn;E-post;Gruppe\nKari Lærer;kari@skole.no;7A, 7B\nPer Ås;;7C\nÅse Øy;ase@skole.no;\n"
    csv.write_bytes(text.encode("cp1252"))
    config = Config(home=naervaer_home, data={"mail": {"staff_csv": str(csv)}})

    staff = load_staff(config)

    assert staff.address("kari lærer") == "kari@skole.no"
    assert staff.address("Øy, Åse") == "ase@skole.no"
    assert staff.address("Per Ås") is None
    assert staff.contacts_for("7B", "Noen Andre") == ("Kari Lærer",)
    assert staff.contacts_for("7C", None) == ("Per Ås",)
    assert staff.contacts_for("9Z", "Noen Andre") == ("Noen Andre",)


def test_staff_csv_errors_name_file_row_and_column(naervaer_home: Path, tmp_path: Path) -> None:
    csv = tmp_path / "ansatte.csv"
    config = Config(home=naervaer_home, data={"mail": {"staff_csv": str(csv)}})
    csv.write_text("navn,epost\nKari,kari@skole.no\nKari,annen@skole.no\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"ansatte.csv, rad 3: «Kari» står flere ganger"):
        load_staff(config)
    csv.write_text("navn;epost\nKari;kari(at)skole.no\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"rad 2, kolonne «epost»: «kari\(at\)skole.no»"):
        load_staff(config)
    csv.write_text("navn;adresse\nKari;kari@skole.no\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"fant ikke kolonnen «epost»"):
        load_staff(config)


def test_routing_config_first_two_teachers_and_never_a_guess(naervaer_home: Path) -> None:
    config = make_config(
        naervaer_home,
        {
            "staff": {"Kari Lærer": "kari@skole.no", "Per Lærer": "per@skole.no"},
            "groups": {"7A": ["Kari Lærer", "Per Lærer"], "7B": "Per Lærer"},
        },
    )
    result = school_result(
        pupil("1", "A, B", "7A", "Someone Else", absence(8)),
        pupil("2", "C, D", "7B", "Kari Lærer", gym(4, 11)),  # config says Per
        pupil("3", "E, F", "7C", "Kari Lærerinne", lessons(3, 5)),  # close, but not a match
        pupil("4", "G, H", "7D", None, lessons(3, 5)),
    )

    routing = route(result, load_staff(config))

    got = {i.address: [p.pupil_id for p in i.pupils] for i in routing.inboxes}
    assert got == {"kari@skole.no": ["1"], "per@skole.no": ["1", "2"]}
    assert [(u.pupil.pupil_id, u.reason) for u in routing.unrouted] == [
        ("3", "ingen e-postadresse for Kari Lærerinne"),
        ("4", "ingen kontaktperson registrert for gruppen"),
    ]


def test_what_counts_as_new(naervaer_home: Path) -> None:
    watch = pupil("1", "A, B", "7A", None, absence(5, severity="watch"))
    concern = pupil("1", "A, B", "7A", None, absence(8))
    with SentLog.in_home(naervaer_home) as log:
        log.record(
            SentRecord("K@skole.no", "kontaktlærer", (concern,), "<m1>"),
            "2026-11-20",
            datetime(2026, 11, 23, tzinfo=UTC),
        )
        known = log.known("k@skole.no", "1")
        assert log.mails() == [("k@skole.no", "kontaktlærer", 1)]

    assert not is_pupil_new(concern, known)
    assert not is_pupil_new(watch, known)  # lower severity, dates known
    higher = pupil("1", "A, B", "7A", None, absence(8), suggestion=NIVA1)
    assert is_pupil_new(higher, known)  # the suggested level rose
    more = pupil(
        "1",
        "A, B",
        "7A",
        None,
        absence(8),
        Flag("late_arrivals", "watch", 3, 3, (date(2026, 11, 3),), signal=True),
    )
    assert is_pupil_new(more, known)  # another rule fired
    assert is_pupil_new(pupil("1", "A, B", "7A", None, absence(9)), known)  # a new date
    assert stat.S_IMODE((naervaer_home / "sent-mail.sqlite").stat().st_mode) == 0o600


def test_lock_refuses_a_second_holder_and_frees_after(naervaer_home: Path) -> None:
    with notify_lock(naervaer_home) as path:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        with pytest.raises(AlreadyRunning, match="kjører allerede"), notify_lock(naervaer_home):
            pass
    with notify_lock(naervaer_home):
        pass
