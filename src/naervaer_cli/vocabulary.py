"""Vendor vocabularies: which codes and headers a school system writes, read from shipped TOML.

A vocabulary is data (``naervaer_cli/vocabularies/*.toml``): a title, the headers that tell
the system apart (`detect`), extra header synonyms (`columns`) and its codes. Every
vocabulary extends ``standard``, the default of product.md §2; one may extend another
(`extends = "ist"`). It is chosen with ``[import] vocabulary`` or ``--vocabulary``, and only
detected from the headers when one of its `detect` headers is in the file and no other
vocabulary's is.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from naervaer_cli.errors import ConfigError

STANDARD = "standard"


@dataclass(frozen=True)
class Vocabulary:
    """One system's words: codes as written → kind, field → extra header names."""

    name: str
    title: str
    codes: dict[str, str]
    columns: dict[str, tuple[str, ...]]
    detect: tuple[str, ...]

    @property
    def label(self) -> str:
        """`vis (Visma InSchool)`, for messages and notes."""
        return f"{self.name} ({self.title})"


@dataclass(frozen=True)
class Choice:
    """The vocabulary a file is read with, and why (for `check` and the scan's notes)."""

    vocabulary: Vocabulary
    reason: str  # "valgt" (flag or config), "gjenkjent" (detected) or "standard"
    header: str = ""  # the header that gave it away, when detected

    def note(self) -> str:
        """One bokmål sentence naming the vocabulary and how it was chosen."""
        if self.reason == "gjenkjent":
            return (
                f"Ordliste: {self.vocabulary.label}, gjenkjent på kolonnen «{self.header}». "
                "Velg en annen med --vocabulary NAVN."
            )
        if self.reason == "valgt":
            return f"Ordliste: {self.vocabulary.label}."
        return "Ordliste: standard (ingen valgt; velg med --vocabulary NAVN)."


def vocabulary_names() -> list[str]:
    """The names of the shipped vocabularies, standard included."""
    folder = resources.files("naervaer_cli.vocabularies")
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


@cache
def load_vocabulary(name: str) -> Vocabulary:
    """A shipped vocabulary by name, with the vocabularies it extends merged under it."""
    names = vocabulary_names()
    if name not in names:
        raise ConfigError(
            f"Ukjent ordliste «{name}». Innebygde ordlister: {', '.join(names)}. "
            'Velg med --vocabulary NAVN eller [import] vocabulary = "NAVN".'
        )
    text = (resources.files("naervaer_cli.vocabularies") / f"{name}.toml").read_text("utf-8")
    data = tomllib.loads(text)
    own_codes: dict[str, str] = dict(data.get("codes", {}))
    own_columns = {f: tuple(v) for f, v in data.get("columns", {}).items()}
    parent = data.get("extends", None if name == STANDARD else STANDARD)
    codes: dict[str, str] = {}
    columns: dict[str, tuple[str, ...]] = {}
    if parent:
        base = load_vocabulary(parent)
        codes.update(base.codes)
        columns.update(base.columns)
    codes.update(own_codes)
    for field, headers in own_columns.items():
        columns[field] = (*columns.get(field, ()), *headers)
    return Vocabulary(
        name=name,
        title=str(data.get("title", name)),
        codes=codes,
        columns=columns,
        detect=tuple(data.get("detect", ())),
    )


def _header_form(text: str) -> str:
    """Headers compared for detection: case and spacing ignored, but not accents, since
    nynorsk «Fråvær» and bokmål «Fravær» fold to the same key and tell systems apart."""
    return " ".join(str(text).lower().split())


def detect_vocabulary(headers: Sequence[str]) -> Choice | None:
    """The vocabulary whose `detect` headers the file has, when exactly one does."""
    present = {_header_form(h): h for h in headers if h}
    found: dict[str, str] = {}
    for name in vocabulary_names():
        vocabulary = load_vocabulary(name)
        hit = next(
            (present[k] for h in vocabulary.detect if (k := _header_form(h)) in present), None
        )
        if hit is not None:
            found[name] = hit
    if len(found) != 1:
        return None
    name, header = found.popitem()
    return Choice(load_vocabulary(name), "gjenkjent", header)


def choose_vocabulary(name: str | None, headers: Sequence[str]) -> Choice:
    """The named vocabulary, else the one the headers make unambiguous, else standard."""
    if name:
        return Choice(load_vocabulary(name), "valgt")
    return detect_vocabulary(headers) or Choice(load_vocabulary(STANDARD), "standard")
