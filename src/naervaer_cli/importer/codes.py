"""Absence codes as exports write them, mapped to the canonical kinds of schema.KINDS."""

from __future__ import annotations

from collections.abc import Mapping

from naervaer_cli.errors import ConfigError
from naervaer_cli.importer.headers import fold
from naervaer_cli.schema import KINDS

DEFAULT_CODES: dict[str, tuple[str, ...]] = {
    "udokumentert": ("Udokumentert", "Ikke dokumentert", "Ugyldig", "IG", "X"),
    "dokumentert": ("Dokumentert", "Gyldig", "G", "D", "Lege", "Tannlege"),
    "sykdom": ("Sykdom", "Syk", "Sjuk"),
    "permisjon": ("Permisjon", "Fri", "Ferie"),
    "ubehandlet": ("Ubehandlet", "Registrert", "R"),
    "for_sent": ("For sent", "Sen ankomst"),
    "forlot_skolen": ("Forlot skolen", "Gikk hjem", "Dro hjem"),
    "ikke_fravaer": ("Ikke fravær", "Organisert aktivitet", "Elevrådsarbeid", "O"),
}


def code_table(overrides: Mapping[str, object] | None = None) -> dict[str, str]:
    """folded code -> kind; `[import.codes]` ("Kode" = "kind") adds to or overrides it."""
    table = {fold(code): kind for kind, codes in DEFAULT_CODES.items() for code in codes}
    for code, kind in (overrides or {}).items():
        if kind not in KINDS:
            raise ConfigError(
                f"[import.codes] «{code}» = «{kind}»: ukjent fraværsart. "
                f"Gyldige: {', '.join(KINDS)}."
            )
        table[fold(code)] = str(kind)
    return table
