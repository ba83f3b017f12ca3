"""`notify` as a library call: route the scan, skip what each recipient already has, send, log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from naervaer_cli.config import Config
from naervaer_cli.errors import ExitCode
from naervaer_cli.mail import compose
from naervaer_cli.mail.routing import Routing, route
from naervaer_cli.mail.sentlog import SentLog, SentRecord, is_pupil_new
from naervaer_cli.mail.settings import MailSettings
from naervaer_cli.mail.staff import StaffDirectory
from naervaer_cli.mail.templates import CONTACT, SUMMARY, mail_environment
from naervaer_cli.mail.transport import Mailer, SendError
from naervaer_cli.result import PupilResult, ScanResult, Setting

if TYPE_CHECKING:
    import jinja2

Kind = Literal["kontaktlærer", "ledelse"]


@dataclass(frozen=True)
class Delivery:
    """One mail that went (or would go) out: no pupil data, only who and how many."""

    recipient: str
    kind: Kind
    pupils: int


@dataclass(frozen=True)
class Failure:
    recipient: str
    kind: Kind
    reason: str


@dataclass(frozen=True)
class NotifyReport:
    sent: tuple[Delivery, ...] = ()
    failed: tuple[Failure, ...] = ()
    unchanged: int = 0  # pupils skipped for a kontaktlærer: nothing new
    unrouted: int = 0  # flagged pupils with no kontaktlærer address
    flagged: int = 0
    dry_run: bool = False
    setting: Setting = "skole"  # words the summary: kontaktlærer or ped.leder

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.FAILURE if self.failed else ExitCode.OK


@dataclass
class _Run:
    sent: list[Delivery] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)


def notify(
    result: ScanResult,
    *,
    config: Config,
    settings: MailSettings,
    staff: StaffDirectory,
    mailer: Mailer,
    sent_log: SentLog,
    now: datetime,
    record: bool = True,
) -> NotifyReport:
    """Send each kontaktlærer their new pupils, then each leadership address its summary.

    A mail is recorded in `sent_log` only after the server accepted it (and never when
    `record` is False, the dry run), so a failure is retried on the next run. Send failures
    are collected, not raised. Every mail is rendered before the first is sent, so a broken
    template stops the run before anyone gets anything.
    """
    env = mail_environment(config)
    routing = route(result, staff)
    base = compose.base_context(result, settings)
    run = _Run()

    def deliver(to: str, kind: Kind, draft: _Draft) -> bool:
        message = compose.build_message(
            compose.Draft(to, draft.subject, draft.text, draft.html), settings, now
        )
        try:
            mailer.send(message)
        except SendError as exc:
            run.failed.append(Failure(recipient=to, kind=kind, reason=exc.reason))
            return False
        if record:
            sent_log.record(
                SentRecord(to, kind, draft.pupils, str(message["Message-ID"])),
                result.as_of.isoformat(),
                now,
            )
        run.sent.append(Delivery(recipient=to, kind=kind, pupils=len(draft.pupils)))
        return True

    unchanged = 0
    contact_drafts: list[tuple[str, _Draft]] = []
    for inbox in routing.inboxes:
        known = {p.pupil_id: sent_log.known(inbox.address, p.pupil_id) for p in inbox.pupils}
        new = [p for p in inbox.pupils if is_pupil_new(p, known[p.pupil_id])]
        unchanged += len(inbox.pupils) - len(new)
        if new:
            contact_drafts.append(
                (
                    inbox.address,
                    _contact_draft(
                        result,
                        settings,
                        env,
                        base,
                        inbox.name,
                        inbox.groups,
                        new,
                        known,
                        len(inbox.pupils) - len(new),
                    ),
                )
            )
    leadership_known = {
        address: {p.pupil_id: sent_log.known(address, p.pupil_id) for p in result.pupils}
        for address in settings.leadership
    }
    summaries = {
        address: _summary_draft(result, routing, settings, env, base, known, set())
        for address, known in leadership_known.items()
    }

    failed_groups: set[str] = set()
    for address, draft in contact_drafts:
        if not deliver(address, "kontaktlærer", draft):
            failed_groups.update(p.group for p in draft.pupils)
    for address, summary in summaries.items():
        if summary is None:
            continue
        if failed_groups:
            # Tell the leadership which kontaktlærer mails did not go out this time.
            summary = _summary_draft(
                result, routing, settings, env, base, leadership_known[address], failed_groups
            )
            assert summary is not None
        deliver(address, "ledelse", summary)

    return NotifyReport(
        sent=tuple(run.sent),
        failed=tuple(run.failed),
        unchanged=unchanged,
        unrouted=len(routing.unrouted),
        flagged=len(result.pupils),
        dry_run=not record,
        setting=result.setting,
    )


@dataclass(frozen=True)
class _Draft:
    subject: str
    text: str
    html: str
    pupils: tuple[PupilResult, ...]  # recorded in the sent-log once the mail is accepted


def _contact_draft(
    result: ScanResult,
    settings: MailSettings,
    env: jinja2.Environment,
    base: dict[str, Any],
    name: str,
    all_groups: list[str],
    new: list[PupilResult],
    known: dict[str, frozenset[str]],
    unchanged: int,
) -> _Draft:
    groups = [g for g in all_groups if any(p.group == g for p in new)]
    context = base | {
        "recipient_name": name,
        "groups": ", ".join(groups),
        "count_text": compose.count_text(result.setting, len(new)),
        "pupils": compose.views(
            new, known, settings.full_names, result.labels, **compose.flag_terms(result)
        ),
        "unchanged": unchanged,
    }
    text, html = compose.render_pair(env, CONTACT, context)
    return _Draft(compose.contact_subject(result, len(new), groups), text, html, tuple(new))


def _summary_draft(
    result: ScanResult,
    routing: Routing,
    settings: MailSettings,
    env: jinja2.Environment,
    base: dict[str, Any],
    known: dict[str, frozenset[str]],
    failed_groups: set[str],
) -> _Draft | None:
    """The leadership's summary, or None when no flagged pupil is new to this address."""
    new = [p for p in result.pupils if is_pupil_new(p, known[p.pupil_id])]
    if not new:
        return None
    unrouted_ids = {u.pupil.pupil_id: u.reason for u in routing.unrouted}
    contacts = {
        p.pupil_id: ", ".join(routing.contacts_by_group.get(p.group, ())) for p in result.pupils
    }
    mailed: dict[str, str] = {}
    for pupil in result.pupils:
        if pupil.pupil_id in unrouted_ids:
            mailed[pupil.group] = "uten mottaker"
        elif pupil.group in failed_groups:
            mailed.setdefault(pupil.group, "sending feilet, prøves igjen")
        else:
            mailed.setdefault(pupil.group, "ja")
    unrouted = [u.pupil for u in routing.unrouted]
    context = base | {
        "flagged": len(result.pupils),
        "count_text": compose.count_text(result.setting, len(result.pupils)),
        "pupils_scanned": result.pupils_scanned,
        "groups": compose.group_rows(result, routing.contacts_by_group, mailed),
        "new_pupils": compose.views(
            [p for p in new if p.pupil_id not in unrouted_ids],
            known,
            settings.full_names,
            result.labels,
            contacts,
            **compose.flag_terms(result),
        ),
        "unrouted": compose.views(
            unrouted,
            known,
            settings.full_names,
            result.labels,
            contacts,
            unrouted_ids,
            **compose.flag_terms(result),
        ),
        "missing_addresses": list(routing.missing_addresses),
    }
    text, html = compose.render_pair(env, SUMMARY, context)
    subject = compose.summary_subject(result, settings.school, len(result.pupils), len(unrouted))
    # Every unrouted pupil is in the mail (in full), so all of them are recorded with it.
    recorded = tuple({p.pupil_id: p for p in [*new, *unrouted]}.values())
    return _Draft(subject, text, html, recorded)


def run_notify(
    config: Config,
    files: list[Path],
    *,
    as_of: date | None = None,
    policy: str | None = None,
    kind: str | None = None,
    dry_run: Path | None = None,
    now: datetime | None = None,
    mailer: Mailer | None = None,
    today: date,
) -> NotifyReport:
    """The whole cron job: check the config, take the lock, scan, mail, log.

    The config is checked before anything is read, so a bad config exits 2 at once. A dry run
    writes .eml files, reads the sent-log (to show what a real run would send) but never
    writes it, and takes no lock. `mailer` replaces the SMTP mailer (tests).
    """
    from naervaer_cli.inputs import load_inputs, run_scan
    from naervaer_cli.mail.lock import notify_lock
    from naervaer_cli.mail.settings import load_mail_settings
    from naervaer_cli.mail.staff import load_staff
    from naervaer_cli.mail.transport import EmlDirMailer, SmtpMailer

    settings = load_mail_settings(config, for_sending=dry_run is None and mailer is None)
    staff = load_staff(config)
    mail_environment(config)  # a missing template folder is a config error before any scan
    now = now or datetime.now(UTC).astimezone()

    def run() -> NotifyReport:
        loaded = load_inputs(config, files, policy=policy, as_of=as_of, kind=kind, today=today)
        result = run_scan(loaded)
        chosen: Mailer = mailer or (EmlDirMailer(dry_run) if dry_run else SmtpMailer(settings))
        try:
            with SentLog.in_home(config.home) as log:
                return notify(
                    result,
                    config=config,
                    settings=settings,
                    staff=staff,
                    mailer=chosen,
                    sent_log=log,
                    now=now,
                    record=dry_run is None,
                )
        finally:
            chosen.close()

    if dry_run is not None:
        return run()
    with notify_lock(config.home):
        return run()


def report_lines(report: NotifyReport, dry_run: Path | None = None) -> tuple[list[str], str]:
    """(one error line per failed recipient, one summary line); recipients only, no pupils."""
    # `kind` is stored in the sent log; only its display word follows the setting.
    from naervaer_cli.words import words

    contact = words(report.setting).contact
    errors = [
        f"e-posten til {f.recipient} ({contact if f.kind == 'kontaktlærer' else f.kind}) "
        f"ble ikke sendt: {f.reason}. "
        "Den prøves igjen ved neste kjøring."
        for f in report.failed
    ]
    if not report.sent and not report.failed:
        summary = "Ingenting nytt å sende."
    else:
        mails = f"{len(report.sent)} e-post{'' if len(report.sent) == 1 else 'er'}"
        verb = f"Skrev {mails} til {dry_run}" if dry_run else f"Sendte {mails}"
        summary = (
            f"{verb} ({sum(d.kind == 'kontaktlærer' for d in report.sent)} til "
            f"{contact}e, {sum(d.kind == 'ledelse' for d in report.sent)} til ledelsen)."
        )
    if report.unchanged:
        summary += f" {report.unchanged} uten noe nytt siden forrige e-post."
    if report.unrouted:
        summary += f" {report.unrouted} uten mottaker (med i oppsummeringen til ledelsen)."
    return errors, summary
