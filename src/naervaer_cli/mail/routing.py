"""Who gets which pupil: each kontaktlærer their own groups, the rest to the leadership."""

from __future__ import annotations

from dataclasses import dataclass, field

from naervaer_cli.mail.staff import StaffDirectory
from naervaer_cli.result import PupilResult, ScanResult


@dataclass
class Inbox:
    """One kontaktlærer's share: their address, name and flagged pupils (scan order)."""

    address: str
    name: str
    groups: list[str] = field(default_factory=list)
    pupils: list[PupilResult] = field(default_factory=list)


@dataclass(frozen=True)
class Unrouted:
    """A flagged pupil no kontaktlærer can be mailed about, and why (names staff, not pupils)."""

    pupil: PupilResult
    reason: str


@dataclass(frozen=True)
class Routing:
    inboxes: tuple[Inbox, ...]
    unrouted: tuple[Unrouted, ...]
    contacts_by_group: dict[str, tuple[str, ...]]
    missing_addresses: tuple[str, ...]  # kontaktlærer names with no address in the directory


def route(result: ScanResult, staff: StaffDirectory) -> Routing:
    """Pure: split the scan's flagged pupils by recipient. Never guesses an address."""
    inboxes: dict[str, Inbox] = {}
    unrouted: list[Unrouted] = []
    contacts_by_group: dict[str, tuple[str, ...]] = {}
    missing: dict[str, None] = {}
    for pupil in result.pupils:
        names = staff.contacts_for(pupil.group, pupil.contact)
        contacts_by_group.setdefault(pupil.group, tuple(staff.display_name(n) for n in names))
        delivered = False
        for name in names:
            address = staff.address(name)
            if address is None:
                missing[staff.display_name(name)] = None
                continue
            inbox = inboxes.setdefault(
                address.casefold(), Inbox(address=address, name=staff.display_name(name))
            )
            if pupil.group not in inbox.groups:
                inbox.groups.append(pupil.group)
            if pupil not in inbox.pupils:
                inbox.pupils.append(pupil)
            delivered = True
        if not delivered:
            if not names:
                reason = "ingen kontaktperson registrert for gruppen"
            elif len(names) == 1:
                reason = f"ingen e-postadresse for {staff.display_name(names[0])}"
            else:
                reason = "ingen e-postadresse for " + " eller ".join(
                    staff.display_name(n) for n in names
                )
            unrouted.append(Unrouted(pupil=pupil, reason=reason))
    return Routing(
        inboxes=tuple(inboxes.values()),
        unrouted=tuple(unrouted),
        contacts_by_group=contacts_by_group,
        missing_addresses=tuple(missing),
    )
