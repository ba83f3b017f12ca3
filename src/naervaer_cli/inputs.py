"""What the core reads before it runs: records, policy, calendar, cases, date, setting.

One place so every command that scans (scan, show, notify, pack) reads the same things the
same way: exports given on the command line, else the stored history. `case evaluate` reads
its history, calendar and policy figures here too, so the case log never loads them itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from naervaer_cli.calendar import SchoolCalendar, calendar_from_config
from naervaer_cli.config import Config
from naervaer_cli.errors import ConfigError, InputError
from naervaer_cli.policy import Policy, load_policy
from naervaer_cli.result import CaseSummary, ScanResult, Setting


@dataclass(frozen=True)
class ScanInputs:
    records: pl.DataFrame
    policy: Policy
    calendar: SchoolCalendar
    as_of: date
    setting: Setting
    cases: dict[str, CaseSummary] | None
    rejected: int = 0  # rows set aside in the rejects file
    notes: tuple[str, ...] = ()  # the importer's warnings, for the scan's notes


def load_inputs(
    config: Config,
    files: Sequence[Path],
    *,
    policy: str | None = None,
    as_of: date | None = None,
    kind: str | None = None,
    rejects: Path | None = None,
    today: date,
) -> ScanInputs:
    """Read the exports (or, with no files, the stored history) and everything the rules need.

    `as_of` defaults to the latest date in the data not after today (today when there is
    none, e.g. a header-only export). The setting (skole or barnehage) is `kind`, else
    NAERVAER_SETTING, else the config's `setting`, else what the data is: a barnehage
    attendance log has days present. The case log is read only when it exists, so a scan
    never creates one.
    """
    calendar = calendar_from_config(config.table("calendar"), config.where())
    rules = load_policy(config.setting(policy, "NAERVAER_POLICY", "policy", None))
    rejected = 0
    notes: tuple[str, ...] = ()
    if files:
        from naervaer_cli.importer import load_exports

        imported = load_exports(
            list(files),
            config,
            today=today,
            calendar=calendar,
            rejects=rejects,
            lesson_minutes=rules.school.lesson_minutes,
        )
        records, rejected, notes = imported.records, imported.rejected, imported.notes
    else:
        from naervaer_cli.history import load_history

        records = load_history(config.home)
        if records.is_empty():
            raise InputError(
                f"Ingen eksportfiler oppgitt, og ingen lagret fraværshistorikk i {config.home}. "
                "Oppgi én eller flere fraværseksporter (CSV eller XLSX)."
            )
    if as_of is None:
        from naervaer_cli.scan import latest_date

        as_of = latest_date(records, today=today) or today
    setting = config.setting(kind, "NAERVAER_SETTING", "setting", None) or detect_setting(records)
    if setting not in ("skole", "barnehage"):
        raise ConfigError(
            f"{config.where()}: «setting» skal være «skole» eller «barnehage», ikke «{setting}»."
        )
    from naervaer_cli.subjects import with_subject_names

    return ScanInputs(
        records=with_subject_names(records, rules.school),
        policy=rules,
        calendar=calendar,
        as_of=as_of,
        setting=setting,
        cases=_case_summaries(config, as_of),
        rejected=rejected,
        notes=notes,
    )


@dataclass(frozen=True)
class EvaluationInputs:
    """What «Har nærværet økt?» reads: the stored history, the calendar, the policy's figures."""

    records: pl.DataFrame
    calendar: SchoolCalendar
    counting_kinds: tuple[str, ...]
    whole_day_minutes: int


def load_evaluation_inputs(
    config: Config, setting: str, policy: str | None = None
) -> EvaluationInputs:
    """`case evaluate`'s inputs for a case in `setting`: the counting kinds and the whole-day
    minutes come from the policy, the school days from the config's calendar."""
    from naervaer_cli.history import load_history

    rules = load_policy(config.setting(policy, "NAERVAER_POLICY", "policy", None))
    return EvaluationInputs(
        records=load_history(config.home),
        calendar=calendar_from_config(config.table("calendar"), config.where()),
        counting_kinds=rules.counting_kinds(setting),
        whole_day_minutes=rules.day_length(setting).whole_day_minutes,
    )


def detect_setting(records: pl.DataFrame) -> Setting:
    """`barnehage` when the records hold days present (an attendance log), else `skole`."""
    present = records.get_column("kind") == "tilstede"
    return "barnehage" if present.any() else "skole"


def _case_summaries(config: Config, as_of: date) -> dict[str, CaseSummary] | None:
    from naervaer_cli.caselog.store import CaseStore, caselog_exists

    if not caselog_exists(config):
        return None
    with CaseStore.from_config(config) as store:
        return store.summaries(as_of)


def run_scan(inputs: ScanInputs, group: str | None = None) -> ScanResult:
    """The scan over the loaded inputs (the rules, the levels and the case log's state)."""
    from dataclasses import replace

    from naervaer_cli.scan import scan

    result = scan(
        inputs.records,
        inputs.policy,
        as_of=inputs.as_of,
        calendar=inputs.calendar,
        cases=inputs.cases,
        group=group,
        setting=inputs.setting,
    )
    return replace(result, notes=(*inputs.notes, *result.notes)) if inputs.notes else result
