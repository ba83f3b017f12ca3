"""What only the shared PostgreSQL log has: roles that see only their schools (row-level
security in the database), the access log's tamper-proof columns, moving a SQLite log over,
and where the password comes from."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import psycopg
import pytest
from caselog_backends import NOW, PG_PASSWORD, Backend

from naervaer_cli.caselog.db import connection_params
from naervaer_cli.caselog.store import CaseStore
from naervaer_cli.config import Config
from naervaer_cli.errors import ConfigError, RuntimeFailure, UsageError

D = date(2026, 11, 2)
TABLES = ("cases", "events", "certificate_leave_off", "access_log")


def _role(pg: Backend, name: str) -> str:
    assert pg.server is not None
    with pg.server.admin() as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{PG_PASSWORD}'")
    return name


def _two_schools(pg: Backend) -> None:
    with pg.open() as owner:
        owner.open_case("1", setting="skole", day=D, by="Kari", school="Ås skole", text="x")
        owner.add_note("1", day=D, by="Kari", text="Ringte mor")
        owner.open_case("2", setting="skole", day=D, by="Per", school="Nordby skole")
        owner.school = "Nordby skole"
        owner.record_leave_off("2", first=D, last=D, reason="helse", day=D, by="Per")
        owner.timeline("2")  # an access-log row at Nordby


def test_a_role_without_a_grant_gets_zero_rows_even_by_hand(pg: Backend) -> None:
    _two_schools(pg)
    nobody = _role(pg, "uten_skole")
    with pg.open() as owner:
        # Table privileges, then the school taken away: only row security stands in the way.
        owner.grant(nobody, "Ås skole")
        owner.revoke(nobody, "Ås skole")
    for table in TABLES:
        assert pg.sql(f"SELECT count(*) FROM {table}")[0][0] > 0, table  # the owner sees them
        assert pg.sql(f"SELECT * FROM {table}", role=nobody) == [], table
    assert pg.sql("SELECT pupil_id FROM cases WHERE pupil_id = '1'", role=nobody) == []
    with pg.open_as(nobody) as store:
        assert store.cases() == () and store.timeline("1") == () and store.leave_offs() == ()
        assert store.count_events() == 0


def test_a_granted_role_sees_its_school_and_writes_only_there(pg: Backend) -> None:
    _two_schools(pg)
    teacher = _role(pg, "laerer_aas")
    with pg.open() as owner:
        assert owner.grant(teacher, "Ås skole") is True
        assert owner.grant(teacher, "Ås skole") is False
    assert pg.sql("SELECT pupil_id, school FROM cases", role=teacher) == [("1", "Ås skole")]
    assert {r[0] for r in pg.sql("SELECT school FROM events", role=teacher)} == {"Ås skole"}
    assert pg.sql("SELECT * FROM certificate_leave_off", role=teacher) == []

    with pg.open_as(teacher, school="Ås skole") as store:
        assert [e.text for e in store.timeline("1")] == ["x", "Ringte mor"]
        with pytest.raises(UsageError, match="åpen sak ved en skole du ikke har tilgang til"):
            store.open_case("2", setting="skole", day=D, by="Kari")
        with pytest.raises(RuntimeFailure, match="row-level security"):
            store.open_case("3", setting="skole", day=D, by="Kari", school="Nordby skole")
    # By hand too: a row for a school not granted is refused by the database.
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        pg.sql(
            "INSERT INTO cases (pupil_id, setting, level, opened, opened_by, school)"
            " VALUES ('9', 'skole', 0, '2026-11-02', 'x', 'Nordby skole')",
            role=teacher,
        )
    with pg.open() as owner:
        assert owner.revoke(teacher, "Ås skole") is True
        assert owner.revoke(teacher, "Ås skole") is False
    assert pg.sql("SELECT * FROM cases", role=teacher) == []


def test_the_access_log_names_the_role_and_cannot_be_forged(pg: Backend) -> None:
    _two_schools(pg)
    teacher = _role(pg, "laerer_logg")
    with pg.open() as owner:
        owner.grant(teacher, "Ås skole")
    with pg.open_as(teacher, reader="Kari Lærer") as store:
        store.timeline("1")
        store.status("1", D)
        (first, second) = store.access_log("1")
        assert (first.role, first.by, first.pupil_id, first.school, first.action) == (
            teacher,
            "Kari Lærer",
            "1",
            "Ås skole",
            "timeline",
        )
        assert second.action == "status" and first.at[:2] == "20"
        # Nordby's reads are not this role's to see.
        assert [a.pupil_id for a in store.access_log()] == ["1", "1"]
    for statement in (
        "INSERT INTO access_log (role, pupil_id, school, setting, action)"
        " VALUES ('rektor', '1', 'Ås skole', 'skole', 'timeline')",
        "UPDATE access_log SET role = 'rektor'",
        "DELETE FROM access_log",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            pg.sql(statement, role=teacher)


def test_grant_needs_an_existing_role_and_postgres(pg: Backend, tmp_path: Path) -> None:
    with pg.open() as owner, pytest.raises(UsageError, match="Rollen «finnes_ikke» finnes ikke"):
        owner.grant("finnes_ikke", "Ås skole")
    with (
        CaseStore(tmp_path / "x.sqlite") as local,
        pytest.raises(UsageError, match="bare når saksloggen ligger i PostgreSQL"),
    ):
        local.grant("kari", "Ås skole")


def _full_story(store: CaseStore) -> None:
    store.open_case("1", setting="skole", day=D, by="Kari", text="7 dager «fravær»")
    store.add_measure("1", day=D, by="Kari", text="Fast oppmøte", responsible="Kontaktlærer")
    store.record_evaluation(
        "1",
        day=date(2026, 11, 23),
        by="Kari",
        improved=False,
        figures={"presence_before": 7 / 15, "presence_after": 0.2, "measure_date": D},
    )
    store.change_level("1", day=date(2026, 11, 23), by="Rektor", level=2)
    store.record_meeting("1", day=date(2026, 11, 24), by="Kari", next_meeting=date(2026, 12, 1))
    store.close_case("1", day=date(2026, 12, 18), by="Kari")
    store.open_case("b7", setting="barnehage", day=D, by="Per", level=1)
    store.record_leave_off("1", first=D, last=date(2026, 11, 6), reason="kronisk", day=D, by="K")


def test_a_sqlite_log_moved_to_postgres_exports_exactly_the_same(
    pg: Backend, tmp_path: Path
) -> None:
    with CaseStore(tmp_path / "old.sqlite", school="Ås skole", now=lambda: NOW) as old:
        _full_story(old)
        exported = old.export_json()
    with pg.open(now=lambda: NOW) as new:
        assert new.restore(json.loads(exported)) == 2
        assert new.export_json() == exported
        # New rows after the move do not collide with the restored ids.
        event = new.add_note("b7", day=D, by="Per", text="etter flyttingen")
        assert event.id > max(e["id"] for c in json.loads(exported)["cases"] for e in c["events"])


def test_move_through_the_cli(cli, known, pg: Backend, naervaer_home: Path, tmp_path: Path) -> None:
    sqlite_home = tmp_path / "laptop"
    sqlite_home.mkdir()
    (sqlite_home / "config.toml").write_text('school = "Testskolen"\n', encoding="utf-8")
    os.environ["NAERVAER_HOME"] = str(sqlite_home)
    try:
        known("1")
        assert cli("case", "open", "1", "--date", "2026-11-02", "--by", "Kari").code == 0
        cli("case", "note", "1", "Ringte mor", "--date", "2026-11-03", "--by", "Kari")
        backup = tmp_path / "sakslogg.json"
        assert cli("case", "export", "-o", backup).code == 0
    finally:
        os.environ["NAERVAER_HOME"] = str(naervaer_home)
    r = cli("case", "restore", "-v", backup)
    assert (r.code, r.out) == (0, f"Gjenopprettet 1 saker fra {backup} til {pg.where()}.\n")
    before = json.loads(backup.read_text(encoding="utf-8"))
    after = json.loads(cli("case", "export", "-v").out)
    before.pop("exported_at"), after.pop("exported_at")
    assert after == before and after["cases"][0]["school"] == "Testskolen"


def test_restore_gives_cases_without_a_school_the_one_named(pg: Backend, tmp_path: Path) -> None:
    with CaseStore(tmp_path / "old.sqlite") as old:  # no school configured on the laptop
        old.open_case("1", setting="skole", day=D, by="Kari")
        exported = json.loads(old.export_json())
    assert exported["cases"][0]["school"] == ""
    with pg.open() as new:
        new.restore(exported, school="Ås skole")
        assert [c.school for c in new.cases()] == ["Ås skole"]
        assert {e.school for e in new.timeline("1")} == {"Ås skole"}


def test_password_from_a_private_file_or_the_passfile(
    pg: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NAERVAER_DB_PASSWORD")
    secret = tmp_path / "db-passord"
    secret.write_text(PG_PASSWORD + "\n", encoding="utf-8")
    secret.chmod(0o644)
    config = Config(
        home=tmp_path,
        data={"caselog": {"url": pg.url, "password_file": str(secret)}, "school": "Ås"},
    )
    with pytest.raises(ConfigError, match="passordfilen kan leses av andre"):
        CaseStore.from_config(config)
    secret.chmod(0o600)
    with CaseStore.from_config(config) as store:
        assert store.backend == "postgres" and store.cases() == ()

    assert pg.server is not None
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"127.0.0.1:{pg.server.port}:*:*:{PG_PASSWORD}\n", encoding="utf-8")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    with CaseStore.from_config(Config(home=tmp_path, data={"caselog": {"url": pg.url}})) as store:
        assert store.cases() == ()

    monkeypatch.setenv("NAERVAER_DB_PASSWORD", "feil")
    with pytest.raises(RuntimeFailure, match="kan ikke koble til saksloggen"):
        CaseStore.from_config(Config(home=tmp_path, data={"caselog": {"url": pg.url}}))


def test_a_password_in_the_url_is_refused_and_never_shown(tmp_path: Path) -> None:
    config = Config(
        home=tmp_path, data={"caselog": {"url": "postgresql://kari:hemmelig@db.kommune.no/n"}}
    )
    with pytest.raises(ConfigError, match="inneholder et passord") as info:
        CaseStore.from_config(config)
    assert "hemmelig" not in str(info.value)


def test_a_host_that_is_not_local_is_verified() -> None:
    assert connection_params("postgresql://kari@db.kommune.no/n")["sslmode"] == "verify-full"
    assert "sslmode" not in connection_params("postgresql://kari@127.0.0.1:5433/n")
    assert "sslmode" not in connection_params("postgresql://kari@localhost/n")
    assert "sslmode" not in connection_params("postgresql:///n?host=/run/postgresql")
    explicit = connection_params("postgresql://kari@db.kommune.no/n?sslmode=require")
    assert explicit["sslmode"] == "require"


def test_the_grant_commands_and_the_access_log_through_the_cli(cli, known, pg: Backend) -> None:
    known("1")
    teacher = _role(pg, "laerer_cli")
    assert cli("case", "open", "1", "--date", "2026-11-02", "--by", "Kari").code == 0
    r = cli("case", "grant", "-v", teacher, "Testskolen")
    assert (r.code, r.out) == (0, f"Rollen {teacher} ser nå sakene til Testskolen.\n")
    assert cli("case", "revoke", "-v", teacher, "Testskolen").out == (
        f"Rollen {teacher} ser ikke lenger sakene til Testskolen.\n"
    )
    assert cli("case", "revoke", "-v", teacher, "Testskolen").out == (
        f"Rollen {teacher} hadde ikke tilgang til sakene til Testskolen.\n"
    )
    r = cli("case", "migrate", "-v")
    assert (r.code, r.out) == (
        0,
        f"Saksloggen {pg.where()} er oppdatert; ingen migreringer å kjøre.\n",
    )
