"""The policy: every municipal number and text (thresholds, subjects, innsatsplan) as data.

A policy is a TOML file. The shipped ones live in ``naervaer_cli/policies/`` (``aas`` is the
default); a municipality's own copy (``naervaer policy init``) is read over the shipped
default, so it may leave out what it does not change. Unknown keys are errors, so a typo
never silently falls back to a default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from naervaer_cli import tomlconfig
from naervaer_cli.errors import InputError, UsageError
from naervaer_cli.schema import KINDS
from naervaer_cli.tomlconfig import KeyPath

DEFAULT_POLICY = "aas"
SCHOOL_RULES: tuple[str, ...] = (
    "absence_days",
    "left_during_day",
    "single_lessons",
    "subject_absence",
)
KINDERGARTEN_RULES: tuple[str, ...] = ("unnotified_absence", "high_absence", "pickup_dropoff")
SIGNALS: tuple[str, ...] = (
    "consecutive_days",
    "late_arrivals",
    "weekday_pattern",
    "rising_trend",
    "term_share",
)
SETTINGS: tuple[str, ...] = ("skole", "barnehage")

# Tables whose keys the user chooses (group and grade names), so they are not checked
# against the shipped default (and subject names); each value is a table with these keys,
# or with none for a table of plain texts.
_FREE_TABLES: dict[str, tuple[str, ...]] = {
    "school.day.grades": ("start", "end"),
    "school.day.groups": ("start", "end"),
    "school.subject_aliases": (),
}


@dataclass(frozen=True)
class Threshold:
    """A rule's thresholds: `concern` (bekymring) and the optional `watch` (følg med)."""

    concern: int | None
    watch: int | None = None
    label: str = ""
    guide: str = ""

    def severity(self, count: int) -> tuple[str, int] | None:
        """("concern"|"watch", the threshold reached) for `count`, or None."""
        if self.concern is not None and count >= self.concern:
            return "concern", self.concern
        if self.watch is not None and count >= self.watch:
            return "watch", self.watch
        return None


@dataclass(frozen=True)
class DayTimes:
    start: time
    end: time

    @property
    def minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)


@dataclass(frozen=True)
class DayLength:
    """How a setting weighs a day: its length and the absent minutes that make a whole day."""

    minutes: int
    whole_day_minutes: int


@dataclass(frozen=True)
class WatchedSubject:
    name: str
    prefixes: tuple[str, ...]  # lower-case; a subject matches when it starts with one


@dataclass(frozen=True)
class Signals:
    """The extra watch signals beyond the guide."""

    raise_level: bool
    term_starts: tuple[tuple[int, int], ...]  # (month, day)
    consecutive_min: int
    late_min: int
    weekday_weeks: int
    weekday_min: int
    rising_recent_days: int
    rising_factor: float
    rising_min_recent_days: float
    term_share_percent: int
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SchoolPolicy:
    window_days: int
    whole_day_minutes: int
    block_gap_minutes: int
    # One lesson's length: a lesson row without clock times or minutes counts as this much.
    lesson_minutes: int
    counting_kinds: tuple[str, ...]
    single_lesson_kinds: tuple[str, ...]
    left_kind: str
    late_kind: str
    day: DayTimes
    grade_days: Mapping[int, DayTimes]
    group_days: Mapping[str, DayTimes]
    left_min_after_start: int
    left_max_before_end: int
    rules: Mapping[str, Threshold]
    subjects: tuple[WatchedSubject, ...]
    signals: Signals
    # Other names of a subject in the exports, lower-case → the name every output shows.
    subject_aliases: Mapping[str, str] = field(default_factory=dict)

    def subject_name(self, subject: str) -> str:
        """The name `subject` is shown and counted under: its alias's name ("KRØ" →
        "Kroppsøving"), then the watched subject that name starts with ("Kroppsøving 7A" →
        "Kroppsøving"), else the name itself without spaces around."""
        name = subject.strip()
        name = self.subject_aliases.get(name.lower(), name)
        lower = name.lower()
        for watched in self.subjects:  # the first subject in the policy wins
            if lower.startswith(watched.prefixes):
                return watched.name
        return name

    def day_for(self, group: str) -> DayTimes:
        """The school day of `group`: its own, else its grade's (leading digits), else default."""
        if group in self.group_days:
            return self.group_days[group]
        match = re.match(r"\s*(\d+)", group or "")
        if match and int(match.group(1)) in self.grade_days:
            return self.grade_days[int(match.group(1))]
        return self.day


@dataclass(frozen=True)
class KindergartenPolicy:
    window_days: int
    closing_time: time
    age_bands: tuple[tuple[int, int], ...]
    rules: Mapping[str, Threshold]
    high_absence_percentile: int
    absence_kinds: tuple[str, ...]
    unnotified_kinds: tuple[str, ...]
    present_kind: str
    # A barnehage logs whole days, so these only weigh the rare partial record.
    day_minutes: int
    whole_day_minutes: int

    def band_of(self, age: int) -> int:
        """The index of the age band for `age` in whole years (clamped to the first/last)."""
        for index, (low, high) in enumerate(self.age_bands):
            if low <= age <= high:
                return index
        return 0 if age < self.age_bands[0][0] else len(self.age_bands) - 1


@dataclass(frozen=True)
class PlanLevel:
    """One NIVÅ of the innsatsplan in the guide's words."""

    level: int
    next_step: str
    what: tuple[str, ...]
    responsible: tuple[str, ...]
    others: tuple[str, ...]
    tools: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    tools_note: str
    evaluation_days: int | None
    levels: tuple[PlanLevel, ...]
    talk_to_child: str = ""  # the NB line in this setting's words; "" = the policy's
    archive: str = ""  # where meeting papers are filed («arkiveres i IST dokumentflyt»)

    def level(self, number: int) -> PlanLevel:
        """The plan's NIVÅ `number`, capped to the highest level the plan has."""
        for item in self.levels:
            if item.level == number:
                return item
        return self.levels[-1] if number > self.levels[-1].level else self.levels[0]


@dataclass(frozen=True)
class Policy:
    name: str
    title: str
    talk_to_child: str
    school: SchoolPolicy
    kindergarten: KindergartenPolicy
    plans: Mapping[str, Plan]
    source: str  # the file it came from, for messages and `policy show`
    certificate: CertificatePolicy
    overview: OverviewPolicy

    def window_days(self, setting: str) -> int:
        return self.kindergarten.window_days if setting == "barnehage" else self.school.window_days

    @property
    def labels(self) -> dict[str, str]:
        """Every rule's and signal's bokmål label by id: the one source of these words."""
        thresholds = {**self.school.rules, **self.kindergarten.rules}
        found = {rule: t.label for rule, t in thresholds.items()}
        found.update(self.school.signals.labels)
        return {rule: label or rule for rule, label in found.items()}

    @property
    def limits(self) -> dict[str, int]:
        """Each guide rule's limit (its `concern` threshold) by id, for outputs that say
        «grense 7» also on a watch flag; signals have none (their threshold is their limit)."""
        thresholds = {**self.school.rules, **self.kindergarten.rules}
        return {rule: t.concern for rule, t in thresholds.items() if t.concern is not None}

    def term_start(self, as_of: date) -> date:
        """The latest term start (`school.signals.term_start`, month-day) on or before `as_of`."""
        candidates = []
        for month, day in self.school.signals.term_starts:
            for year in (as_of.year, as_of.year - 1):
                try:
                    candidate = date(year, month, day)
                except ValueError:  # 02-30 and the like: the month's last day
                    candidate = date(year, month % 12 + 1, 1) - timedelta(days=1)
                if candidate <= as_of:
                    candidates.append(candidate)
        return max(candidates)

    def counting_kinds(self, setting: str) -> tuple[str, ...]:
        """The kinds that count as absence in `setting` (rules, overviews, evaluations)."""
        if setting == "barnehage":
            return self.kindergarten.absence_kinds
        return self.school.counting_kinds

    def day_length(self, setting: str, group: str = "") -> DayLength:
        """The day of `group` in `setting`: its length and the minutes that make a whole day."""
        if setting == "barnehage":
            kg = self.kindergarten
            return DayLength(kg.day_minutes, kg.whole_day_minutes)
        return DayLength(self.school.day_for(group).minutes, self.school.whole_day_minutes)

    def talk_to(self, setting: str) -> str:
        """The NB line for `setting`: its plan's own wording, else the policy's shared one.

        The guide writes «barnet/eleven» once for both; a barnehage has no pupils.
        """
        plan = self.plans.get(setting)
        return (plan.talk_to_child if plan else "") or self.talk_to_child


# ------------------------------------------------------------------------------- loading


def shipped_names() -> list[str]:
    """The names of the policies shipped with the package."""
    folder = resources.files("naervaer_cli.policies")
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def shipped_text(name: str = DEFAULT_POLICY) -> str:
    """The TOML text of a shipped policy."""
    if name not in shipped_names():
        raise UsageError(
            f"Ukjent policy «{name}». Innebygde: {', '.join(shipped_names())}; "
            "eller oppgi stien til en TOML-fil."
        )
    return (resources.files("naervaer_cli.policies") / f"{name}.toml").read_text("utf-8")


def load_policy(name_or_path: str | Path | None = None) -> Policy:
    """Load a shipped policy by name (``"aas"``) or a policy TOML file by path.

    A file is read over the shipped default, so it only needs the keys it changes.
    """
    base_text = shipped_text(DEFAULT_POLICY)
    base = _parse(base_text, f"{DEFAULT_POLICY}.toml (innebygd)")
    if name_or_path is None:
        name_or_path = DEFAULT_POLICY
    is_name = isinstance(name_or_path, str) and re.fullmatch(r"[\w-]+", name_or_path) is not None
    if is_name and not Path(str(name_or_path)).is_file():
        name = str(name_or_path)
        text = shipped_text(name)
        origin = f"{name}.toml (innebygd)"
        data = base if name == DEFAULT_POLICY else _parse(text, origin)
    else:
        path = Path(name_or_path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise InputError(f"Fant ikke policyfilen {path}.") from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "ikke UTF-8"
            raise InputError(f"Policyfilen {path} kan ikke leses ({reason}).") from None
        origin = str(path)
        data = _parse(text, origin)
        data.setdefault("name", path.stem)
    reader = _Reader(origin, text)
    reader.check_keys(data, base)
    return reader.build(_merge(base, data))


def policy_fields() -> list[tomlconfig.Field]:
    """Every key a policy file may hold, read from the shipped default with the comment above
    each key as its help: the default policy is the schema, so a key added there is known."""
    doc = tomlconfig.parse(shipped_text(DEFAULT_POLICY), f"{DEFAULT_POLICY}.toml (innebygd)")
    fields = []
    for item in tomlconfig.schema_from_example(doc):
        fields.append(item)
        for key in _FREE_TABLES.get(item.path, ()):
            fields.append(tomlconfig.Field(f"{item.path}.*.{key}", "text", 'f.eks. "08:30"'))
    return fields


def _parse(text: str, origin: str) -> dict[str, Any]:
    return tomlconfig.parse(text, origin, InputError).data


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = _merge(base[key], value)
        else:
            merged[key] = value
    return merged


class _Reader:
    """Turns the merged TOML tables into a Policy; every bad value names file and line."""

    def __init__(self, origin: str, text: str) -> None:
        self.origin = origin
        self.doc = tomlconfig.parse(text, origin, InputError)

    # -- locating keys in the user's text, for messages

    def line_of(self, dotted: str) -> int | None:
        """The line where `dotted` (``a.b.c``, array items as ``a.b[1].c``) is set, if found."""
        return self.doc.line_of(dotted)

    def fail(self, dotted: str, problem: str) -> InputError:
        return InputError(f"{self.doc.where(dotted)}: «{dotted}» {problem}")

    # -- typed getters

    def get(self, data: Mapping[str, Any], dotted: str) -> Any:
        node: Any = data
        for part in dotted.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise self.fail(
                    dotted,
                    "mangler. Legg den til, eller slett filen og kjør "
                    "`naervaer policy init` på nytt.",
                )
            node = node[part]
        return node

    def integer(self, value: Any, dotted: str, minimum: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(dotted, f"skal være et helt tall ≥ {minimum}, ikke «{value}».")
        return value

    def number(self, value: Any, dotted: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise self.fail(dotted, f"skal være et tall større enn 0, ikke «{value}».")
        return float(value)

    def text(self, value: Any, dotted: str) -> str:
        if not isinstance(value, str):
            raise self.fail(dotted, f"skal være tekst i anførselstegn, ikke «{value}».")
        return value

    def texts(self, value: Any, dotted: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(dotted, 'skal være en liste med tekster, f.eks. ["a", "b"].')
        return tuple(value)

    def boolean(self, value: Any, dotted: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(dotted, f"skal være true eller false, ikke «{value}».")
        return value

    def clock(self, value: Any, dotted: str) -> time:
        if isinstance(value, time):
            return value.replace(tzinfo=None)
        found = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*", str(value))
        if not found or int(found.group(1)) > 23 or int(found.group(2)) > 59:
            raise self.fail(dotted, f'skal være et klokkeslett som "08:30", ikke «{value}».')
        return time(int(found.group(1)), int(found.group(2)))

    def kinds(self, value: Any, dotted: str) -> tuple[str, ...]:
        items = self.texts(value, dotted)
        for item in items:
            if item not in KINDS:
                raise self.fail(
                    dotted, f"har den ukjente fraværstypen «{item}». Gyldige: {', '.join(KINDS)}."
                )
        return items

    def kind(self, value: Any, dotted: str) -> str:
        return self.kinds([value], dotted)[0]

    def month_day(self, value: Any, dotted: str) -> tuple[int, int]:
        found = re.fullmatch(r"(\d{2})-(\d{2})", str(value))
        if found:
            month, day = int(found.group(1)), int(found.group(2))
            if 1 <= month <= 12 and 1 <= day <= 31:
                return month, day
        raise self.fail(dotted, f'skal være måned og dag som "08-15", ikke «{value}».')

    # -- unknown keys

    def check_keys(
        self, data: Mapping[str, Any], base: Mapping[str, Any], path: KeyPath = ()
    ) -> None:
        """Every key must be in the shipped default (the schema), so new keys there are known
        at once; an unknown one names its line and the closest known key."""
        free = _FREE_TABLES.get(tomlconfig.dotted(path))
        for key, value in data.items():
            here = (*path, key)
            if free is not None:
                if isinstance(value, Mapping):
                    self.check_keys(value, dict.fromkeys(free), here)
                continue
            if key not in base:
                raise tomlconfig.unknown_key(
                    self.doc, here, list(base), isinstance(value, dict), InputError
                )
            if isinstance(value, dict) and isinstance(base[key], dict):
                self.check_keys(value, base[key], here)
            elif (
                isinstance(value, list)
                and isinstance(base[key], list)
                and base[key]
                and all(isinstance(v, dict) for v in base[key])
            ):
                template: dict[str, Any] = {}
                for item in base[key]:
                    template.update(item)
                for n, item in enumerate(value):
                    if not isinstance(item, dict):
                        raise self.fail(
                            tomlconfig.dotted(here),
                            f"skal være tabeller ([[{tomlconfig.dotted(here)}]]).",
                        )
                    self.check_keys(item, template, (*here, n))

    # -- building

    def threshold(self, data: Mapping[str, Any], dotted: str) -> Threshold:
        table = self.get(data, dotted)
        if not isinstance(table, Mapping):
            raise self.fail(dotted, "skal være en tabell.")
        concern = table.get("concern")
        watch = table.get("watch")
        result = Threshold(
            concern=None if concern is None else self.integer(concern, f"{dotted}.concern", 1),
            watch=None if watch is None else self.integer(watch, f"{dotted}.watch", 1),
            label=self.text(table.get("label", ""), f"{dotted}.label"),
            guide=self.text(table.get("guide", ""), f"{dotted}.guide"),
        )
        both = result.concern is not None and result.watch is not None
        if both and result.watch >= result.concern:  # type: ignore[operator]
            raise self.fail(
                f"{dotted}.watch",
                f"({result.watch}) skal være lavere enn concern "
                f"({result.concern}): «følg med» er steget før bekymring.",
            )
        return result

    def day_times(self, value: Any, dotted: str) -> DayTimes:
        if not isinstance(value, Mapping):
            raise self.fail(
                dotted,
                'skal være en tabell med start og end, f.eks. { start = "08:30", end = "14:00" }.',
            )
        start = self.clock(value.get("start", ""), f"{dotted}.start")
        end = self.clock(value.get("end", ""), f"{dotted}.end")
        if end <= start:
            raise self.fail(f"{dotted}.end", "skal være senere enn start.")
        return DayTimes(start, end)

    def build(self, data: Mapping[str, Any]) -> Policy:
        g = self.get
        school = self.build_school(data)
        kg_rules = {r: self.threshold(data, f"kindergarten.rules.{r}") for r in KINDERGARTEN_RULES}
        bands = g(data, "kindergarten.age_bands")
        if not isinstance(bands, list) or not all(
            isinstance(b, list) and len(b) == 2 and all(isinstance(x, int) for x in b)
            for b in bands
        ):
            raise self.fail(
                "kindergarten.age_bands",
                "skal være en liste av [fra, til] i hele år, f.eks. [[0, 2], [3, 5]].",
            )
        kindergarten = KindergartenPolicy(
            window_days=self.integer(
                g(data, "kindergarten.window_days"), "kindergarten.window_days", 1
            ),
            closing_time=self.clock(
                g(data, "kindergarten.closing_time"), "kindergarten.closing_time"
            ),
            age_bands=tuple((b[0], b[1]) for b in bands),
            rules=kg_rules,
            high_absence_percentile=self.integer(
                g(data, "kindergarten.rules.high_absence.percentile"),
                "kindergarten.rules.high_absence.percentile",
                1,
            ),
            absence_kinds=self.kinds(
                g(data, "kindergarten.absence_kinds"), "kindergarten.absence_kinds"
            ),
            unnotified_kinds=self.kinds(
                g(data, "kindergarten.unnotified_kinds"), "kindergarten.unnotified_kinds"
            ),
            present_kind=self.kind(
                g(data, "kindergarten.present_kind"), "kindergarten.present_kind"
            ),
            day_minutes=self.integer(
                g(data, "kindergarten.day_minutes"), "kindergarten.day_minutes", 1
            ),
            whole_day_minutes=self.integer(
                g(data, "kindergarten.whole_day_minutes"), "kindergarten.whole_day_minutes", 1
            ),
        )
        if kindergarten.high_absence_percentile > 100:
            raise self.fail(
                "kindergarten.rules.high_absence.percentile", "skal være et tall fra 1 til 100."
            )
        if not kindergarten.age_bands:
            raise self.fail("kindergarten.age_bands", "skal ha minst én aldersgruppe.")
        plans = {setting: self.build_plan(data, setting) for setting in SETTINGS}
        return Policy(
            name=self.text(g(data, "name"), "name"),
            title=self.text(g(data, "title"), "title"),
            talk_to_child=self.text(g(data, "talk_to_child"), "talk_to_child"),
            school=school,
            kindergarten=kindergarten,
            plans=plans,
            source=self.origin,
            certificate=build_certificate(self, data),
            overview=OverviewPolicy(
                min_group=self.integer(g(data, "overview.min_group"), "overview.min_group", 1)
            ),
        )

    def build_school(self, data: Mapping[str, Any]) -> SchoolPolicy:
        g = self.get
        grades: dict[int, DayTimes] = {}
        for key, value in (g(data, "school.day").get("grades") or {}).items():
            if not str(key).strip().isdigit():
                raise self.fail(
                    f"school.day.grades.{key}", 'skal være et trinn (et tall, f.eks. "7").'
                )
            grades[int(key)] = self.day_times(value, f"school.day.grades.{key}")
        groups = {
            str(key): self.day_times(value, f"school.day.groups.{key}")
            for key, value in (g(data, "school.day").get("groups") or {}).items()
        }
        subjects = []
        raw_subjects = g(data, "school.subjects")
        if not isinstance(raw_subjects, list):
            raise self.fail("school.subjects", "skal være en liste av [[school.subjects]].")
        for n, item in enumerate(raw_subjects):
            dotted = f"school.subjects[{n}]"
            name = self.text(self.get(item, "name") if "name" in item else None, f"{dotted}.name")
            prefixes = self.texts(item.get("prefixes", [name]), f"{dotted}.prefixes")
            if not prefixes or any(not p.strip() for p in prefixes):
                raise self.fail(f"{dotted}.prefixes", "skal ha minst ett prefiks, og ingen tomme.")
            subjects.append(WatchedSubject(name, tuple(p.strip().lower() for p in prefixes)))
        starts = g(data, "school.signals.term_start")
        starts_list = starts if isinstance(starts, list) else [starts]
        sig = "school.signals"
        signals = Signals(
            raise_level=self.boolean(g(data, f"{sig}.raise_level"), f"{sig}.raise_level"),
            term_starts=tuple(self.month_day(s, f"{sig}.term_start") for s in starts_list),
            consecutive_min=self.integer(
                g(data, f"{sig}.consecutive_days.min"), f"{sig}.consecutive_days.min", 1
            ),
            late_min=self.integer(
                g(data, f"{sig}.late_arrivals.min"), f"{sig}.late_arrivals.min", 1
            ),
            weekday_weeks=self.integer(
                g(data, f"{sig}.weekday_pattern.weeks"), f"{sig}.weekday_pattern.weeks", 1
            ),
            weekday_min=self.integer(
                g(data, f"{sig}.weekday_pattern.min"), f"{sig}.weekday_pattern.min", 1
            ),
            rising_recent_days=self.integer(
                g(data, f"{sig}.rising_trend.recent_days"), f"{sig}.rising_trend.recent_days", 1
            ),
            rising_factor=self.number(
                g(data, f"{sig}.rising_trend.factor"), f"{sig}.rising_trend.factor"
            ),
            rising_min_recent_days=self.number(
                g(data, f"{sig}.rising_trend.min_recent_days"),
                f"{sig}.rising_trend.min_recent_days",
            ),
            term_share_percent=self.integer(
                g(data, f"{sig}.term_share.percent"), f"{sig}.term_share.percent", 1
            ),
            labels={
                s: self.text(g(data, f"{sig}.{s}").get("label", s), f"{sig}.{s}.label")
                for s in SIGNALS
            },
        )
        if signals.weekday_min > signals.weekday_weeks:
            raise self.fail(f"{sig}.weekday_pattern.min", "kan ikke være større enn weeks.")
        return SchoolPolicy(
            window_days=self.integer(g(data, "school.window_days"), "school.window_days", 1),
            whole_day_minutes=self.integer(
                g(data, "school.whole_day_minutes"), "school.whole_day_minutes", 1
            ),
            block_gap_minutes=self.integer(
                g(data, "school.block_gap_minutes"), "school.block_gap_minutes", 0
            ),
            counting_kinds=self.kinds(g(data, "school.counting_kinds"), "school.counting_kinds"),
            single_lesson_kinds=self.kinds(
                g(data, "school.single_lesson_kinds"), "school.single_lesson_kinds"
            ),
            left_kind=self.kind(g(data, "school.left_kind"), "school.left_kind"),
            late_kind=self.kind(g(data, "school.late_kind"), "school.late_kind"),
            day=self.day_times(g(data, "school.day"), "school.day"),
            grade_days=grades,
            group_days=groups,
            left_min_after_start=self.integer(
                g(data, "school.left_during_day.min_after_start_minutes"),
                "school.left_during_day.min_after_start_minutes",
                0,
            ),
            left_max_before_end=self.integer(
                g(data, "school.left_during_day.max_before_end_minutes"),
                "school.left_during_day.max_before_end_minutes",
                0,
            ),
            rules={r: self.threshold(data, f"school.rules.{r}") for r in SCHOOL_RULES},
            subjects=tuple(subjects),
            signals=signals,
            subject_aliases=self.subject_aliases(g(data, "school").get("subject_aliases") or {}),
            lesson_minutes=self.integer(
                g(data, "school.lesson_minutes"), "school.lesson_minutes", 1
            ),
        )

    def subject_aliases(self, table: Mapping[str, Any]) -> dict[str, str]:
        aliases = {}
        for key, value in table.items():
            dotted = f"school.subject_aliases.{key}"
            name = self.text(value, dotted).strip()
            if not name or not str(key).strip():
                raise self.fail(
                    dotted, 'skal ha et fagnavn på begge sider, f.eks. "KRØ" = "Kroppsøving".'
                )
            aliases[str(key).strip().lower()] = name
        return aliases

    def build_plan(self, data: Mapping[str, Any], setting: str) -> Plan:
        dotted = f"plan.{setting}"
        table = self.get(data, dotted)
        raw_levels = self.get(data, f"{dotted}.levels")
        if not isinstance(raw_levels, list) or not raw_levels:
            raise self.fail(f"{dotted}.levels", f"skal ha minst ett nivå ([[{dotted}.levels]]).")
        levels = []
        for n, item in enumerate(raw_levels):
            at = f"{dotted}.levels[{n}]"
            levels.append(
                PlanLevel(
                    level=self.integer(
                        self.get(item, "level") if "level" in item else None, f"{at}.level", 0
                    ),
                    next_step=self.text(item.get("next_step"), f"{at}.next_step"),
                    what=self.texts(item.get("what", []), f"{at}.what"),
                    responsible=self.texts(item.get("responsible", []), f"{at}.responsible"),
                    others=self.texts(item.get("others", []), f"{at}.others"),
                    tools=self.texts(item.get("tools", []), f"{at}.tools"),
                )
            )
        levels.sort(key=lambda lv: lv.level)
        if [lv.level for lv in levels] != list(range(len(levels))):
            raise self.fail(f"{dotted}.levels", "skal ha nivåene 0, 1, 2 … én gang hver.")
        days = table.get("evaluation_days")
        return Plan(
            tools_note=self.text(table.get("tools_note", ""), f"{dotted}.tools_note"),
            evaluation_days=None
            if days is None
            else self.integer(days, f"{dotted}.evaluation_days", 1),
            levels=tuple(levels),
            talk_to_child=self.text(table.get("talk_to_child", ""), f"{dotted}.talk_to_child"),
            archive=self.text(table.get("archive", ""), f"{dotted}.archive"),
        )


# ------------------------------------------------------------------------------- init / show


def write_policy_copy(dest: Path, *, name: str = DEFAULT_POLICY, force: bool = False) -> Path:
    """Write an editable copy of a shipped policy to `dest` (a file, or a folder)."""
    if dest.is_dir():
        dest = dest / f"{name}.toml"
    if dest.exists() and not force:
        raise UsageError(f"{dest} finnes allerede. Velg et annet navn, eller bruk --force.")
    text = shipped_text(name)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"Kan ikke skrive {dest} ({exc.strerror}).") from None
    return dest


def _clock(value: time) -> str:
    return value.strftime("%H:%M")


def _threshold_text(t: Threshold) -> str:
    parts = []
    if t.concern is not None:
        parts.append(f"bekymring ≥ {t.concern}")
    if t.watch is not None:
        parts.append(f"følg med ≥ {t.watch}")
    return ", ".join(parts)


def describe_policy(policy: Policy) -> str:
    """The policy as readable bokmål text, for `naervaer policy show`."""
    s = policy.school
    out = [
        f"Policy: {policy.name} — {policy.title}",
        f"Fil: {policy.source}",
        "",
        "SKOLE",
        f"  Vindu: siste {s.window_days} dager til og med referansedatoen",
        f"  Hel fraværsdag: heldagsføring, eller ≥ {s.whole_day_minutes} fraværsminutter",
        f"  Én time: {s.lesson_minutes} min (en timerad uten klokkeslett eller minutter)",
        f"  Skoledag: {_clock(s.day.start)}–{_clock(s.day.end)}",
    ]
    for grade, day in sorted(s.grade_days.items()):
        out.append(f"    {grade}. trinn: {_clock(day.start)}–{_clock(day.end)}")
    for group, day in sorted(s.group_days.items()):
        out.append(f"    {group}: {_clock(day.start)}–{_clock(day.end)}")
    out += [
        f"  Fraværstyper som teller: {', '.join(s.counting_kinds)}",
        f"  Enkelttimer: {', '.join(s.single_lesson_kinds)}",
        f"  Fraværsblokk: timer med høyst {s.block_gap_minutes} min mellom seg",
        f"  Forlot skolen: siste blokk starter ≥ {s.left_min_after_start} min etter skolestart "
        f"og slutter tidligst {s.left_max_before_end} min før skoleslutt",
        "  Regler:",
    ]
    for rule, t in s.rules.items():
        out.append(f"    {rule} ({t.label}): {_threshold_text(t)} — «{t.guide}»")
    out.append("  Fag det følges med på:")
    for subject in s.subjects:
        out.append(f"    {subject.name}: {', '.join(subject.prefixes)}")
    if s.subject_aliases:
        out.append("  Andre navn på fag:")
        for alias, name in s.subject_aliases.items():
            out.append(f"    {alias} → {name}")
    sig = s.signals
    starts = ", ".join(f"{d:02d}.{m:02d}" for m, d in sig.term_starts)
    out += [
        "  Ekstra signaler (følg med" + (", kan heve nivået)" if sig.raise_level else ")") + ":",
        f"    {sig.labels['consecutive_days']}: ≥ {sig.consecutive_min} skoledager på rad",
        f"    {sig.labels['late_arrivals']}: ≥ {sig.late_min} ganger i vinduet",
        f"    {sig.labels['weekday_pattern']}: samme ukedag i ≥ {sig.weekday_min} av de siste "
        f"{sig.weekday_weeks} ukene",
        f"    {sig.labels['rising_trend']}: siste {sig.rising_recent_days} dager ≥ "
        f"{sig.rising_factor:g} × terminens nivå",
        f"    {sig.labels['term_share']}: ≥ {sig.term_share_percent} % av terminen "
        f"(terminstart {starts})",
        "",
        "BARNEHAGE",
        f"  Vindu: siste {policy.kindergarten.window_days} dager; stengetid "
        f"{_clock(policy.kindergarten.closing_time)}; aldersgrupper "
        + ", ".join(f"{a}–{b} år" for a, b in policy.kindergarten.age_bands),
        f"  Dag: {policy.kindergarten.day_minutes} min; hel fraværsdag: ≥ "
        f"{policy.kindergarten.whole_day_minutes} fraværsminutter",
        f"  Fravær: {', '.join(policy.kindergarten.absence_kinds)}",
        f"  Uten beskjed teller: {', '.join(policy.kindergarten.unnotified_kinds)}",
        "  Regler:",
    ]
    for rule, t in policy.kindergarten.rules.items():
        extra = (
            f", ≥ {policy.kindergarten.high_absence_percentile}. persentil"
            if rule == "high_absence"
            else ""
        )
        out.append(f"    {rule} ({t.label}): {_threshold_text(t)}{extra} — «{t.guide}»")
    for setting, title in (("skole", "SKOLE"), ("barnehage", "BARNEHAGE")):
        plan = policy.plans[setting]
        out += ["", f"INNSATSPLAN – {title}"]
        if plan.tools_note:
            out.append(f"  ({plan.tools_note})")
        for lv in plan.levels:
            out.append(f"  NIVÅ {lv.level}")
            out.append("    HVA:")
            # Items starting with a dash are the guide's sub-points of the item above.
            out += [
                f"        {item}" if item.startswith("–") else f"      • {item}" for item in lv.what
            ]
            responsible = ", ".join(lv.responsible)
            if lv.others:
                responsible += "; aktuelle andre aktører: " + ", ".join(lv.others)
            out.append(f"    ANSVARLIG: {responsible}")
            if lv.tools:
                out.append(f"    VERKTØY: {', '.join(lv.tools)}")
            out.append(f"    Neste steg: {lv.next_step}")
        if plan.evaluation_days:
            out.append(f"  Evaluering: {plan.evaluation_days} dager etter at tiltak er besluttet")
    c = policy.certificate
    rounding = {"down": "ned", "nearest": "til nærmeste", "up": "opp"}[c.hours_rounding]
    out += [
        "",
        "VITNEMÅL",
        f"  Trinn: {', '.join(str(grade) for grade in c.grades)}",
        f"  Fraværstyper som føres: {', '.join(c.counting_kinds)}",
        f"  Helse: {', '.join(c.health_kinds)}; kan unntas fra dag {c.health_min_days + 1} i en "
        "sammenhengende periode (kronisk: fra første dag)",
        f"  Permisjon: {', '.join(c.leave_kinds)}",
        f"  Høyst {c.max_left_off_days} dager unntatt per skoleår; timer avrundes {rounding}",
        "",
        "OVERSIKT",
        f"  Tall om færre enn {policy.overview.min_group} elever vises som "
        f"«<{policy.overview.min_group}»",
        "",
        f"NB – {policy.talk_to_child}",
    ]
    return "\n".join(out) + "\n"


# The heading `describe_policy` gives each top-level table of a policy file. A test keeps it
# complete: a new table must be described in `policy show`, or the test fails.
POLICY_SECTIONS: dict[str, str] = {
    "school": "SKOLE",
    "kindergarten": "BARNEHAGE",
    "plan": "INNSATSPLAN",
    "certificate": "VITNEMÅL",
    "overview": "OVERSIKT",
}


# ------------------------------------------------------------------------------- vitnemål

HOURS_ROUNDING: tuple[str, ...] = ("down", "nearest", "up")


@dataclass(frozen=True)
class CertificatePolicy:
    """What the vitnemål counts (Udir, «Føring av vitnemål … for grunnskolen», 2024, kap. 5)."""

    grades: tuple[int, ...]
    counting_kinds: tuple[str, ...]
    health_kinds: tuple[str, ...]
    leave_kinds: tuple[str, ...]
    health_min_days: int  # a health run must be longer than this; days after it may go
    max_left_off_days: int  # per school year
    hours_rounding: str  # one of HOURS_ROUNDING

    def round_hours(self, minutes: int) -> int:
        """Absent lesson minutes as whole 60-minute units, rounded as the policy says."""
        if self.hours_rounding == "down":
            return minutes // 60
        if self.hours_rounding == "up":
            return -(-minutes // 60)
        return (minutes + 30) // 60  # nearest, half up: 90 minutes are 2 hours


def build_certificate(reader: _Reader, data: Mapping[str, Any]) -> CertificatePolicy:
    """The `[certificate]` table as a CertificatePolicy; every bad value names file and line."""
    g = reader.get
    grades = g(data, "certificate.grades")
    if (
        not isinstance(grades, list)
        or not grades
        or not all(isinstance(x, int) and not isinstance(x, bool) and x > 0 for x in grades)
    ):
        raise reader.fail("certificate.grades", "skal være en liste med trinn, f.eks. [8, 9, 10].")
    counting = reader.kinds(g(data, "certificate.counting_kinds"), "certificate.counting_kinds")
    health = reader.kinds(g(data, "certificate.health_kinds"), "certificate.health_kinds")
    leave = reader.kinds(g(data, "certificate.leave_kinds"), "certificate.leave_kinds")
    for dotted, kinds in (("certificate.health_kinds", health), ("certificate.leave_kinds", leave)):
        outside = [k for k in kinds if k not in counting]
        if outside:
            raise reader.fail(
                dotted, f"har «{outside[0]}», som ikke står i certificate.counting_kinds."
            )
    both = set(health) & set(leave)
    if both:
        raise reader.fail(
            "certificate.leave_kinds", f"har «{sorted(both)[0]}», som også er en helsetype."
        )
    rounding = reader.text(g(data, "certificate.hours_rounding"), "certificate.hours_rounding")
    if rounding not in HOURS_ROUNDING:
        raise reader.fail(
            "certificate.hours_rounding",
            f"skal være {', '.join(HOURS_ROUNDING)}, ikke «{rounding}».",
        )
    return CertificatePolicy(
        grades=tuple(grades),
        counting_kinds=counting,
        health_kinds=health,
        leave_kinds=leave,
        health_min_days=reader.integer(
            g(data, "certificate.health_min_days"), "certificate.health_min_days", 0
        ),
        max_left_off_days=reader.integer(
            g(data, "certificate.max_left_off_days"), "certificate.max_left_off_days", 0
        ),
        hours_rounding=rounding,
    )


# ------------------------------------------------------------------------------- oversikt


@dataclass(frozen=True)
class OverviewPolicy:
    """The anonymous overview: a figure about fewer than `min_group` pupils is hidden."""

    min_group: int
