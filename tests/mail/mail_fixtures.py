"""Hand-made scan results and configs for the mail tests."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from naervaer_cli.config import Config
from naervaer_cli.policy import load_policy
from naervaer_cli.result import CaseSummary, Flag, PupilResult, ScanResult, Suggestion

AS_OF = date(2026, 11, 20)  # ISO week 47
NIVA0 = Suggestion(
    level=0,
    responsible=("Kontaktlærer",),
    next_step="Sikre muntlig dialog med elev og hjemmet. Konkretiser uroen; bekreft eller avkreft.",
    tools=("Samtale med elev", "Samtale med foresatte"),
)
NIVA1 = Suggestion(
    level=1,
    responsible=("Kontaktlærer", "Skoleledelse"),
    next_step="Møte med foresatte og elev; avtal tiltak og evaluering etter 3 uker.",
    tools=("Samarbeidsavtale", "Kartlegging"),
    due="Evaluering forfaller 27.11.2026",
)


def days(*ds: int) -> tuple[date, ...]:
    return tuple(date(2026, 11, d) for d in ds)


def pupil(
    pupil_id: str,
    name: str,
    group: str,
    contact: str | None,
    *flags: Flag,
    suggestion: Suggestion = NIVA0,
    case: CaseSummary | None = None,
) -> PupilResult:
    status = "concern" if any(f.severity == "concern" for f in flags) else "watch"
    return PupilResult(pupil_id, name, group, contact, status, flags, suggestion, case)  # type: ignore[arg-type]


def absence(n: int, start: int = 2, severity: str = "concern") -> Flag:
    dates = tuple(date(2026, 11, start) + timedelta(days=i) for i in range(n))
    return Flag("absence_days", severity, n, 7 if severity == "concern" else 5, dates)  # type: ignore[arg-type]


def lessons(*ds: int) -> Flag:
    return Flag(
        "single_lessons",
        "concern",
        len(ds),
        2,
        days(*ds),
        lessons=tuple(f"{d:02d}.11 09:15–10:00 Matematikk" for d in ds),
    )


def gym(*ds: int) -> Flag:
    return Flag("subject_absence", "concern", len(ds), 2, days(*ds), subject="Kroppsøving")


def school_result(*pupils: PupilResult, as_of: date = AS_OF) -> ScanResult:
    ordered = tuple(sorted(pupils, key=lambda p: (p.group, p.name)))
    policy = load_policy()
    return ScanResult(
        as_of,
        28,
        "aas",
        "skole",
        ordered,
        pupils_scanned=60,
        labels=policy.labels,
        limits=policy.limits,
    )


def standard_result() -> ScanResult:
    """7A (Kari) has two pupils, 7B (Per) one, 7C (no address) one."""
    return school_result(
        pupil("10234", "Nordmann, Ola", "7A", "Kari Lærer", absence(8), lessons(3, 5)),
        pupil("10240", "Hansen, Emma", "7A", "Kari Lærer", gym(4, 11)),
        pupil(
            "10301",
            "Berg, Jonas",
            "7B",
            "Lærer, Per",
            absence(5, severity="watch"),
            suggestion=NIVA1,
            case=CaseSummary(
                "10301",
                0,
                date(2026, 10, 1),
                evaluation_due=date(2026, 11, 27),
                state="Åpen, NIVÅ 0",
            ),
        ),
        pupil("10402", "Dahl, Sara", "7C", "Ukjent Vikar", lessons(10, 12, 17)),
    )


FULL_NAMES = ("Nordmann", "Hansen", "Berg", "Dahl", "Ola", "Emma", "Jonas", "Sara")


def mail_table(server: Any | None = None, **extra: Any) -> dict[str, Any]:
    table: dict[str, Any] = {
        "from": "Nærvær <naervaer@skole.no>",
        "leadership": ["rektor@skole.no"],
        "staff": {"Kari Lærer": "kari@skole.no", "Per Lærer": "per@skole.no"},
    }
    if server is not None:
        table |= {
            "host": server.host,
            "port": server.port,
            "security": "starttls",
            "username": "naervaer",
            "cafile": str(server.cafile),
            "timeout": 5,
        }
    return table | extra


def make_config(home: Path, mail: dict[str, Any], **top: Any) -> Config:
    return Config(home=home, data={"school": "Åsgård skole", "mail": mail, **top})
