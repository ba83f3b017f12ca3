"""A mail's text part (read in mutt or less) carries no escape sequences (issue 15, item 7)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from mail_fixtures import mail_table, make_config

from naervaer_cli.mail.compose import Draft, build_message
from naervaer_cli.mail.settings import load_mail_settings

EVIL = "Ola\x1b[2J\x1b]0;pwned\x07\x1b[1A\rX\x9b31m\u202eNordmann"


def test_a_mails_text_part_and_subject_are_bare(naervaer_home: Path) -> None:
    settings = load_mail_settings(make_config(naervaer_home, mail_table()), for_sending=False)
    draft = Draft(to="kari@skole.no", subject="Uke 47", text=f"Elev: {EVIL}\n", html="")
    message = build_message(draft, settings, datetime(2026, 11, 23, tzinfo=UTC))
    assert message.get_body(("plain",)).get_content() == "Elev: OlaXNordmann\n"
