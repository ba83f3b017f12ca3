"""Absence codes as exports write them, mapped to the canonical kinds of schema.KINDS.

The codes come from a vocabulary (vocabulary.py, `standard` by default), then from a
description column beside a short code, then from `[import.codes]` in the config, which wins.
Codes are matched by `code_key`: case, accents and spaces do not count, but a code made of
symbols only («!», «§», «+», «-», «*») is kept as written, so «!» and «§» stay apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from naervaer_cli.errors import ConfigError, InputError
from naervaer_cli.importer.headers import fold
from naervaer_cli.schema import KINDS
from naervaer_cli.vocabulary import STANDARD, Vocabulary, load_vocabulary, vocabulary_names

# The kinds an export code can mean (tilstede is a barnehage day present, never a code).
CODE_KINDS: tuple[str, ...] = tuple(k for k in KINDS if k != "tilstede")
# Single letters that mean different things in different systems: only a vocabulary or the
# config may map them (product.md §2).
AMBIGUOUS_LETTERS = frozenset("RDLEAMP")
PLACEHOLDER = "?"
# A description maps to a kind only through entries this long: a lone letter or «IG» at the
# start of a sentence is a word, not a code.
MIN_DESCRIPTION_KEY = 3


def code_key(code: str) -> str:
    """The form codes are matched in: folded like headers, or, for a code of symbols only
    («!», «§»), the symbols themselves without spaces."""
    key = fold(code)
    return key or "".join(str(code).split())


def _words(text: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in re.findall(r"\w+", unicodedata.normalize("NFC", str(text))))


@dataclass(frozen=True)
class CodeTable:
    """code key → kind, and the words of every long code, for reading descriptions."""

    kinds: dict[str, str]
    vocabulary: Vocabulary
    words: dict[str, tuple[str, ...]]  # code key → its words, for codes of 3+ characters

    def kind(self, code: str | None) -> str | None:
        return None if code is None else self.kinds.get(code_key(code))

    def describe(self, text: str) -> str | None:
        """The kind a long description names: the longest known code whose words begin it
        («Udokumentert fravær, melding gitt» → udokumentert)."""
        words = _words(text)
        best: tuple[int, str] | None = None
        for key, entry in self.words.items():
            if words[: len(entry)] == entry and (best is None or len(entry) > best[0]):
                best = (len(entry), self.kinds[key])
        return best[1] if best else None


def code_table(
    vocabulary: Vocabulary | None = None,
    overrides: Mapping[str, object] | None = None,
    where: Callable[[str], str] | None = None,
) -> CodeTable:
    """The vocabulary's codes with `[import.codes]` ("Kode" = "kind") over them.

    A config key that folds to nothing, or to the same key as another, is an error naming
    both lines (`where(code)` gives «FIL linje N»); so is a kind left as «?».
    """
    vocabulary = vocabulary or load_vocabulary(STANDARD)
    place = where or (lambda code: "[import.codes]")
    table = {code_key(code): kind for code, kind in vocabulary.codes.items()}
    seen: dict[str, str] = {}
    written: dict[str, str] = {}
    for code, kind in (overrides or {}).items():
        key = code_key(code)
        if not key:
            raise ConfigError(
                f"{place(code)}: koden «{code}» under [import.codes] er tom. Skriv koden slik "
                "eksporten skriver den."
            )
        if key in seen:
            raise ConfigError(
                f"{place(seen[key])} og {place(code)}: «{seen[key]}» og «{code}» under "
                "[import.codes] er samme kode for naervaer (store og små bokstaver, aksenter "
                "og mellomrom teller ikke). Behold én av dem."
            )
        if kind == PLACEHOLDER:
            raise ConfigError(f"{place(code)}: «{code}» = «?» er ikke fylt ut. Velg {_choices()}.")
        if kind not in CODE_KINDS:
            raise ConfigError(
                f"{place(code)}: [import.codes] «{code}» = «{kind}»: ukjent fraværsart. "
                f"Velg {_choices()}."
            )
        seen[key] = code
        written[key] = code
        table[key] = str(kind)
    written = {**{code_key(c): c for c in vocabulary.codes}, **written}
    words = {
        key: _words(code)
        for key, code in written.items()
        if len(key) >= MIN_DESCRIPTION_KEY and _words(code)
    }
    return CodeTable(table, vocabulary, words)


def _choices() -> str:
    return ", ".join(CODE_KINDS[:-1]) + f" eller {CODE_KINDS[-1]}"


@dataclass(frozen=True)
class Derived:
    """A short code whose kind came from the description column beside it."""

    code: str
    kind: str
    text: str  # the description it came from


def derive_from_descriptions(
    pairs: Iterable[tuple[str | None, str | None]], table: CodeTable, path: str
) -> tuple[Derived, ...]:
    """Kinds for codes from their descriptions (distinct (code, description) pairs).

    A code whose descriptions name two different kinds is an InputError listing both.
    """
    found: dict[str, Derived] = {}
    for code, text in sorted(pairs, key=lambda p: (p[0] or "", p[1] or "")):
        if not code or not text or not code.strip() or not text.strip():
            continue
        kind = table.describe(text)
        if kind is None:
            continue
        key = code_key(code.strip())
        earlier = found.get(key)
        if earlier is None:
            found[key] = Derived(code.strip(), kind, text.strip())
        elif earlier.kind != kind:
            raise InputError(
                f"{path}: koden «{code.strip()}» har to beskrivelser som betyr ulike ting: "
                f"«{earlier.text}» ({earlier.kind}) og «{text.strip()}» ({kind}). Koble koden "
                f'selv i naervaer.toml: [import.codes] "{code.strip()}" = "…".'
            )
    return tuple(found.values())


@dataclass(frozen=True)
class UnknownCode:
    """A code no vocabulary, description or config maps, with where it occurs."""

    code: str  # as written
    rows: int
    file: str
    first_row: int
    description: str = ""
    column: str = ""  # a lesson grid's column, where the code's column varies


def merge_unknown(codes: Iterable[UnknownCode]) -> list[UnknownCode]:
    """One entry per distinct code over several files: rows summed, the first example kept."""
    merged: dict[str, UnknownCode] = {}
    for u in codes:
        key = code_key(u.code)
        if key in merged:
            first = merged[key]
            merged[key] = replace(first, rows=first.rows + u.rows)
        else:
            merged[key] = u
    return list(merged.values())


def _quoted(code: str) -> str:
    return '"' + code.replace("\\", "\\\\").replace('"', '\\"') + '"'


def placeholder_lines(unknown: Iterable[UnknownCode], example: bool = True) -> list[str]:
    """`"M" = "?"   # 312 rader – velg …` for each unknown code, ready to paste."""
    lines = []
    for u in unknown:
        what = f"{u.rows} rad" if u.rows == 1 else f"{u.rows} rader"
        if u.description:
            what += f" («{u.description}»)"
        if example:
            what += f", f.eks. {u.file} rad {u.first_row}"
            if u.column:
                what += f", kolonne «{u.column}»"
        lines.append(f'{_quoted(u.code)} = "{PLACEHOLDER}"   # {what} – velg {_choices()}')
    return lines


def vocabularies_knowing(code: str) -> list[tuple[str, str]]:
    """(vocabulary label, kind) of every shipped vendor vocabulary that maps `code`."""
    key = code_key(code)
    known = []
    for name in vocabulary_names():
        if name == STANDARD:
            continue
        vocabulary = load_vocabulary(name)
        kinds = {code_key(c): k for c, k in vocabulary.codes.items()}
        if key in kinds and key not in {code_key(c) for c in load_vocabulary(STANDARD).codes}:
            known.append((vocabulary.label, kinds[key]))
    return known


def unknown_codes_message(unknown: list[UnknownCode], vocabulary: Vocabulary) -> str:
    """One message for every distinct unknown code: counts, an example row, a block to paste."""
    count = len(unknown)
    head = ("én ukjent fraværskode" if count == 1 else f"{count} ukjente fraværskoder").capitalize()
    lines = [
        f"{head} (ordliste {vocabulary.name}). Skriv hva hver betyr i naervaer.toml i stedet "
        "for «?» (har filen allerede [import.codes], legg bare linjene under den):",
        "",
        "[import.codes]",
        *placeholder_lines(unknown),
    ]
    letters = [u.code for u in unknown if u.code.strip().upper() in AMBIGUOUS_LETTERS]
    vendors: dict[str, list[str]] = {}
    for u in unknown:
        for label, _ in vocabularies_knowing(u.code):
            vendors.setdefault(label, []).append(u.code)
    if letters or vendors:
        lines.append("")
    if letters:
        lines.append(
            f"{_join(letters)} betyr ulike ting i ulike fagsystemer og kobles aldri uten "
            "ordliste: velg ordlisten for fagsystemet med --vocabulary NAVN eller [import] "
            'vocabulary = "NAVN".'
        )
    for label, codes in vendors.items():
        name = label.split(" ", 1)[0]
        lines.append(
            f"Ordlisten {label} kjenner {_join(codes)}: --vocabulary {name} eller "
            f'[import] vocabulary = "{name}".'
        )
    lines.append("`naervaer check FIL --suggest-config` skriver hele forslaget.")
    return "\n".join(lines)


def _join(items: list[str]) -> str:
    quoted = [f"«{i}»" for i in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " og " + quoted[-1]
