"""What the core reads before it runs: records, policy, calendar, cases, date, setting.

One place so every command that scans (scan, show, notify, pack) reads the same things the
same way: exports given on the command line, else the stored history. `case evaluate` reads
its history, calendar and policy figures here too, so the case log never loads them itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from naervaer_cli.calendar import SchoolCalendar, calendar_from_config
from naervaer_cli.config import Config
from naervaer_cli.errors import ConfigError, InputError, UsageError, where
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
        subjects: frozenset[str] | None = imported.subjects
    else:
        from naervaer_cli.history import load_history

        records = load_history(config.home)
        subjects = None
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
        records=with_subject_names(records, rules.school, subjects),
        policy=rules,
        calendar=calendar,
        as_of=as_of,
        setting=setting,
        cases=_case_summaries(config, as_of, setting),
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


def _case_summaries(config: Config, as_of: date, setting: str) -> dict[str, CaseSummary] | None:
    """The open cases of `setting` only: a school run never sees a barnehage case."""
    from naervaer_cli.caselog.location import caselog_exists

    if not caselog_exists(config):
        return None
    from naervaer_cli.caselog.store import CaseStore

    with CaseStore.from_config(config) as store:
        return store.summaries(as_of, setting)


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


# ----------------------------------------------------------- the overview (naervaer overview)


def load_school_records(
    files: Sequence[Path],
    named: Sequence[tuple[str, Path]],
    config: Config,
    *,
    today: date,
    calendar: SchoolCalendar,
    default_school: str,
) -> pl.DataFrame:
    """The records of every file with a `school` column: the file's school from `--school
    NAVN=FIL`, else each row's «Skole» column, else `default_school` (only one school)."""
    import polars as pl

    from naervaer_cli.importer import load_exports
    from naervaer_cli.importer.dedupe import merge_sources
    from naervaer_cli.importer.headers import synonym_table
    from naervaer_cli.importer.read import read_table

    by_school: dict[str, list[pl.DataFrame]] = defaultdict(list)
    without_column: list[Path] = []
    synonyms = synonym_table(config.table("import").get("columns"))
    for path in files:
        records = load_exports([path], config, today=today, calendar=calendar).records
        raw = read_table(Path(path), synonyms, config.get("import.sheet"))
        if "school" not in raw.match.fields:
            without_column.append(Path(path))
            by_school[default_school].append(records)
            continue
        header = raw.match.header_of("school")
        schools = raw.frame.select(
            pl.col("_row").cast(pl.Int32).alias("source_row"),
            pl.col("school").str.strip_chars().alias("school"),
        )
        tagged = records.join(schools, on="source_row", how="left")
        missing = tagged.filter(pl.col("school").is_null() | (pl.col("school") == ""))
        if missing.height:
            row = int(missing.get_column("source_row").min())  # type: ignore[arg-type]
            raise InputError(
                f"{where(Path(path).name, row, header)}: skolen mangler. Fyll den ut, eller "
                "oppgi filens skole med --school NAVN=FIL."
            )
        for (school,), part in tagged.group_by("school", maintain_order=True):
            by_school[str(school)].append(part.drop("school"))
    for name, path in named:
        records = load_exports([path], config, today=today, calendar=calendar).records
        by_school[name].append(records)
    if without_column and len(by_school) > 1 and not default_school_named(config):
        raise UsageError(
            f"{without_column[0]} har ingen kolonne Skole, og dataene gjelder flere skoler. "
            "Oppgi filens skole med --school NAVN=FIL."
        )
    frames = [
        merge_sources(parts).with_columns(pl.lit(school, dtype=pl.String).alias("school"))
        for school, parts in by_school.items()
    ]
    return pl.concat(frames, how="vertical")


def default_school_named(config: Config) -> bool:
    return bool(config.get("school"))


def with_one_school(records: pl.DataFrame, school: str) -> pl.DataFrame:
    """Stored history (no files given): every record belongs to `school`."""
    import polars as pl

    return records.with_columns(pl.lit(school, dtype=pl.String).alias("school"))


@dataclass(frozen=True)
class OverviewInputs:
    records: pl.DataFrame  # canonical records and a `school` column
    policy: Policy
    calendar: SchoolCalendar
    as_of: date
    first: date
    cases: dict[str, dict[str, CaseSummary]]
    templates: Path | None


def load_overview_inputs(
    config: Config,
    files: Sequence[Path],
    schools: Sequence[str],
    *,
    policy: str | None = None,
    as_of: date | None = None,
    first: date | None = None,
    today: date,
) -> OverviewInputs:
    """Exports (each file's school from `--school NAVN=FIL`, the Skole column or the config),
    else the stored history as one school; the policy, the calendar and the open cases.

    The overview runs from `first` (default: the start of the term, `documents.term_start`,
    else the policy's term start) to `as_of` (default: the latest date in the data not after
    today).
    """
    from naervaer_cli.scan import latest_date
    from naervaer_cli.templating import override_dir

    calendar = calendar_from_config(config.table("calendar"), config.where())
    named = [_named_file(text) for text in schools]
    default = str(config.get("school") or "") or "Skolen"
    if files or named:
        records = load_school_records(
            files, named, config, today=today, calendar=calendar, default_school=default
        )
    else:
        from naervaer_cli.history import load_history

        history = load_history(config.home)
        if history.is_empty():
            raise InputError(
                f"Ingen eksportfiler oppgitt, og ingen lagret fraværshistorikk i {config.home}. "
                "Oppgi én eller flere fraværseksporter (CSV eller XLSX)."
            )
        records = with_one_school(history, default)
    if detect_setting(records) == "barnehage":
        raise UsageError("Oversikten gjelder skoler; dataene er fra en barnehage (Kom/Hentet).")
    if as_of is None:
        as_of = latest_date(records, today=today) or today
    rules = load_policy(config.setting(policy, "NAERVAER_POLICY", "policy", None))
    first = first or config.get("documents.term_start") or rules.term_start(as_of)
    names = sorted(set(records.get_column("school").unique().to_list()))
    open_cases = _open_cases(config, as_of)
    return OverviewInputs(
        records=records,
        policy=rules,
        calendar=calendar,
        as_of=as_of,
        first=first,
        # The case log knows pupils by number: with several schools, numbers must differ.
        cases={name: open_cases for name in names},
        templates=override_dir(config),
    )


def _named_file(text: str) -> tuple[str, Path]:
    name, sep, file = text.partition("=")
    if not sep or not name.strip() or not file.strip():
        raise UsageError(
            f"--school «{text}»: skriv skolen og filen som NAVN=FIL, f.eks. "
            '--school "Ås ungdomsskole=aas.csv".'
        )
    return name.strip(), Path(file.strip())


def _open_cases(config: Config, as_of: date) -> dict[str, CaseSummary]:
    from naervaer_cli.caselog.location import caselog_exists

    if not caselog_exists(config):
        return {}
    from naervaer_cli.caselog.store import CaseStore

    with CaseStore.from_config(config) as store:
        return store.summaries(as_of)
