"""One TOML reader: parse, find the line of every key, check keys against a table of fields.

Config (``naervaer.toml``), the policy and the mail settings are all read through here, so
every message has one shape: ``FIL linje N: …`` naming the key, and an unknown key or table
is an error that suggests the closest known one.
"""

from __future__ import annotations

import contextlib
import difflib
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from naervaer_cli.errors import ConfigError, NaervaerError

# A key's place in the document: table and key names, with list positions as ints.
KeyPath = tuple[str | int, ...]
ErrorType = Callable[[str], NaervaerError]

ANY_KEY = "*"  # a table whose keys the user chooses (group names, export codes)

# The value types a field can have, with how messages name them.
TYPES: dict[str, str] = {
    "text": "tekst i anførselstegn",
    "path": "en filsti i anførselstegn",
    "integer": "et helt tall",
    "number": "et tall",
    "boolean": "true eller false",
    "date": "en dato (ÅÅÅÅ-MM-DD)",
    "texts": 'en liste med tekster, f.eks. ["a", "b"]',
    "list": "en liste",
    "text_or_texts": 'tekst eller en liste med tekster, f.eks. ["a", "b"]',
    "table": "en tabell",
    "tables": "en liste med tabeller",
}


@dataclass(frozen=True)
class Field:
    """One key of a TOML file: where it is, what it holds, its default and what it is for.

    `path` is dotted; ``*`` stands for keys the user chooses (``import.codes.*``) and ``[]``
    for the items of a list of tables (``calendar.breaks[].from``).
    """

    path: str
    type: str
    help: str
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    env: str | None = None
    shown_default: str = ""  # for the docs when the default is computed, e.g. a folder

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"unknown field type {self.type!r} for {self.path}")

    def describe(self) -> str:
        """What the value must be, in bokmål, e.g. «et helt tall fra 1 til 65535»."""
        if self.choices:
            return "en av " + ", ".join(f"«{c}»" for c in self.choices)
        text = TYPES[self.type]
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            text += f" fra {low:g} til {high:g}"
        elif low is not None:
            text += f" ≥ {low:g}"
        elif high is not None:
            text += f" ≤ {high:g}"
        return text

    def default_text(self) -> str:
        if self.shown_default:
            return self.shown_default
        return "" if self.default is None else toml_value(self.default)


def toml_value(value: Any) -> str:
    """A value as it is written in TOML (for docs): ``true``, ``"tekst"``, ``[1, 2]``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    return str(value)


# ------------------------------------------------------------------------------- paths


def dotted(path: KeyPath) -> str:
    """``("school", "subjects", 1, "name")`` → ``school.subjects[1].name`` (odd keys quoted)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else f'"{part}"'
            out += f".{name}" if out else name
    return out


def split_dotted(text: str) -> KeyPath:
    """The inverse of :func:`dotted` for plain keys: ``a.b[1].c`` → ``("a", "b", 1, "c")``."""
    parts: list[str | int] = []
    for piece in text.split("."):
        found = re.fullmatch(r"(.*?)((?:\[\d+\])*)", piece)
        assert found is not None  # the pattern matches every string
        parts.append(found.group(1))
        parts += [int(n) for n in re.findall(r"\[(\d+)\]", found.group(2))]
    return tuple(parts)


def _table_name(path: KeyPath) -> str:
    """How a table is written in the file: ``[import]``, ``[[calendar.breaks]]``."""
    if path and isinstance(path[-1], int):
        return f"[[{dotted(path[:-1])}]]"
    return f"[{dotted(path)}]"


# ------------------------------------------------------------------------------- locating


class _Scanner:
    """Finds the line of every key, table header and list item in (valid) TOML text.

    tomllib gives no positions, so this walks the text once: table headers ``[a.b]`` and
    ``[[a]]``, dotted keys, inline tables, lists and the four kinds of strings.
    """

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.line = 1
        self.lines: dict[KeyPath, int] = {}
        self.comments: dict[int, str] = {}
        self.arrays: dict[tuple[str, ...], int] = {}  # [[a.b]] seen so far, by name
        self.defined: set[KeyPath] = set()  # written in the file, not only implied

    def run(self) -> None:
        prefix: KeyPath = ()
        while True:
            self.skip(newlines=True)
            if self.i >= len(self.s):
                return
            if self.s.startswith("[[", self.i):
                self.i += 2
                prefix = self.array_header(self.key(), self.line)
                self.expect("]]")
            elif self.s[self.i] == "[":
                self.i += 1
                prefix = self.resolve(self.key(), self.line)
                self.defined.add(prefix)
                self.expect("]")
            else:
                self.keyval(prefix)

    def resolve(self, names: list[str], line: int) -> KeyPath:
        """A header's names as a path: a name that is a [[list]] goes to its latest item."""
        path: list[str | int] = []
        for k, name in enumerate(names):
            path.append(name)
            self.lines.setdefault(tuple(path), line)
            count = self.arrays.get(tuple(names[: k + 1]))
            if count and k < len(names) - 1:
                path.append(count - 1)
        return tuple(path)

    def array_header(self, names: list[str], line: int) -> KeyPath:
        parent = self.resolve(names[:-1], line) if len(names) > 1 else ()
        key = tuple(names)
        index = self.arrays.get(key, 0)
        self.arrays[key] = index + 1
        self.lines.setdefault((*parent, names[-1]), line)
        path = (*parent, names[-1], index)
        self.lines[path] = line
        self.defined.update({path, path[:-1]})
        return path

    def keyval(self, prefix: KeyPath) -> None:
        line = self.line
        names = self.key()
        for k in range(1, len(names) + 1):
            self.lines.setdefault((*prefix, *names[:k]), line)
        self.defined.add((*prefix, *names))
        self.skip()
        self.expect("=")
        self.skip()
        self.value((*prefix, *names))

    def value(self, path: KeyPath) -> None:
        char = self.s[self.i]
        if char == "{":
            self.i += 1
            while True:
                self.skip(newlines=True)
                if self.s[self.i] == "}":
                    self.i += 1
                    return
                self.keyval(path)
                self.skip(newlines=True)
                if self.s[self.i] == ",":
                    self.i += 1
        elif char == "[":
            self.i += 1
            index = 0
            while True:
                self.skip(newlines=True)
                if self.s[self.i] == "]":
                    self.i += 1
                    return
                self.lines.setdefault((*path, index), self.line)
                self.value((*path, index))
                index += 1
                self.skip(newlines=True)
                if self.s[self.i] == ",":
                    self.i += 1
        elif char in "\"'":
            self.string()
        else:
            found = re.compile(r"[^,\]}\n#]*").match(self.s, self.i)
            assert found is not None  # the pattern matches the empty string
            self.i = found.end()

    def key(self) -> list[str]:
        names = []
        while True:
            self.skip()
            if self.s[self.i] in "\"'":
                start = self.i
                self.string()
                names.append(tomllib.loads(f"k = {self.s[start : self.i]}")["k"])
            else:
                found = re.compile(r"[A-Za-z0-9_-]+").match(self.s, self.i)
                if found is None:
                    raise ValueError("not a key")
                names.append(found.group())
                self.i = found.end()
            self.skip()
            if self.i < len(self.s) and self.s[self.i] == ".":
                self.i += 1
                continue
            return names

    def string(self) -> None:
        quote = self.s[self.i]
        triple = self.s.startswith(quote * 3, self.i)
        end = quote * 3 if triple else quote
        self.i += len(end)
        while not self.s.startswith(end, self.i):
            char = self.s[self.i]
            if char == "\\" and quote == '"':
                self.i += 1
            elif char == "\n":
                self.line += 1
            self.i += 1
        self.i += len(end)
        # A multi-line string may end with up to two extra quotes of its own.
        while triple and self.s.startswith(quote, self.i):
            self.i += 1

    def skip(self, newlines: bool = False) -> None:
        while self.i < len(self.s):
            char = self.s[self.i]
            if char in " \t\r":
                self.i += 1
            elif char == "\n" and newlines:
                self.line += 1
                self.i += 1
            elif char == "#":
                end = self.s.find("\n", self.i)
                end = len(self.s) if end < 0 else end
                self.comments[self.line] = self.s[self.i + 1 : end].strip()
                self.i = end
            else:
                return

    def expect(self, token: str) -> None:
        self.skip()
        if not self.s.startswith(token, self.i):
            raise ValueError(f"expected {token}")
        self.i += len(token)


@dataclass(frozen=True)
class Document:
    """A parsed TOML file: its data, and where in the text each key is."""

    origin: str  # the file as messages name it
    data: dict[str, Any]
    text: str = ""
    lines: Mapping[KeyPath, int] = field(default_factory=dict)
    comments: Mapping[int, str] = field(default_factory=dict)
    defined: frozenset[KeyPath] = frozenset()

    def line_of(self, path: KeyPath | str) -> int | None:
        """The line of `path`, else of the nearest table around it that is in the file."""
        key = split_dotted(path) if isinstance(path, str) else path
        for end in range(len(key), 0, -1):
            if key[:end] in self.lines:
                return self.lines[key[:end]]
        return None

    def where(self, path: KeyPath | str | None = None) -> str:
        """``FIL linje N`` (or just ``FIL`` when the key is not in this file)."""
        line = self.line_of(path) if path is not None else None
        return f"{self.origin} linje {line}" if line else self.origin

    def help_of(self, path: KeyPath) -> str:
        """The comment on the key's line, else the comment lines right above it."""
        line = self.lines.get(path)
        if line is None or path not in self.defined:
            return ""
        text_lines = self.text.splitlines()
        if line in self.comments and not text_lines[line - 1].lstrip().startswith("#"):
            return self.comments[line]
        above = []
        n = line - 1
        while n >= 1 and text_lines[n - 1].lstrip().startswith("#"):
            comment = self.comments.get(n, "")
            if comment.strip("-=# "):  # not a ruler line
                above.append(comment)
            n -= 1
        return " ".join(reversed(above))


def parse(text: str, origin: str, error: ErrorType = ConfigError) -> Document:
    """Parse TOML text; a syntax error becomes `error` with the file, line and column."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(syntax_message(origin, exc)) from None
    scanner = _Scanner(text)
    # The text is valid TOML, so a failure here is a gap in the scanner: messages lose
    # their line numbers, nothing else.
    with contextlib.suppress(ValueError, IndexError):
        scanner.run()
    return Document(origin, data, text, scanner.lines, scanner.comments, frozenset(scanner.defined))


def read(path: Path, error: ErrorType = ConfigError, what: str = "filen") -> Document:
    """Read and parse a TOML file (UTF-8, a BOM is allowed)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(f"Fant ikke {what} {path}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "ikke UTF-8"
        raise error(f"{path}: {what} kan ikke leses ({reason}).") from None
    return parse(text, str(path), error)


def syntax_message(origin: str, exc: tomllib.TOMLDecodeError) -> str:
    """A bokmål message with the line and column tomllib reports ("at line N, column M")."""
    found = re.search(r"at line (\d+), column (\d+)", str(exc))
    place = f" linje {found[1]}, kolonne {found[2]}" if found else ""
    return (
        f"{origin}{place}: ugyldig TOML. Sjekk anførselstegn, klammer og «=» der, "
        "rett filen og prøv igjen."
    )


# ------------------------------------------------------------------------------- checking


@dataclass
class _Node:
    spec: Field | None = None
    children: dict[str, _Node] = field(default_factory=dict)


def _tree(fields: Iterable[Field]) -> _Node:
    root = _Node()
    for item in fields:
        node = root
        for name in item.path.split("."):
            node = node.children.setdefault(name.removesuffix("[]"), _Node())
        node.spec = item
    return root


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to a misspelt `name`, if one is close enough."""
    names = list(known)
    folded = {n.casefold(): n for n in names}
    found = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.6)
    return folded[found[0]] if found else None


def unknown_key(
    doc: Document, path: KeyPath, known: Sequence[str], is_table: bool, error: ErrorType
) -> NaervaerError:
    """«FIL linje N: ukjent nøkkel «x» i [t] – mente du «y»?», or the list of known keys."""
    parent, name = path[:-1], str(path[-1])
    inside = f" i {_table_name(parent)}" if parent else ""
    said = f"ukjent tabell {_table_name(path)}" if is_table else f"ukjent nøkkel «{name}»{inside}"
    guess = closest(name, known)
    if guess is not None:
        hint = f"[{dotted((*parent, guess))}]" if is_table else f"«{guess}»"
        return error(f"{doc.where(path)}: {said} – mente du {hint}?")
    listed = ", ".join(sorted(known)) or "ingen"
    return error(f"{doc.where(path)}: {said}. Kjente nøkler{inside}: {listed}.")


def check(doc: Document, fields: Iterable[Field], error: ErrorType = ConfigError) -> dict:
    """Check every key of `doc` against `fields`; return the data with typed values.

    Values keep their TOML types, except that a date may also be written as text
    (``"2026-08-15"``) and is returned as a `date`.
    """
    return _check_table(doc, _tree(fields), doc.data, (), error)


def _check_table(
    doc: Document, node: _Node, data: Mapping[str, Any], path: KeyPath, error: ErrorType
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        here = (*path, key)
        child = node.children.get(key) or node.children.get(ANY_KEY)
        if child is None:
            known = [k for k in node.children if k != ANY_KEY]
            raise unknown_key(doc, here, known, isinstance(value, dict), error)
        out[key] = _check_value(doc, child, value, here, error)
    return out


def _check_value(doc: Document, node: _Node, value: Any, path: KeyPath, error: ErrorType) -> Any:
    spec = node.spec
    if spec is not None and spec.type == "tables":
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise _bad(doc, spec, path, value, error)
        return [_check_table(doc, node, item, (*path, n), error) for n, item in enumerate(value)]
    if spec is None or spec.type == "table":
        if not isinstance(value, dict):
            wanted = f"skal være en tabell ([{dotted(path)}])"
            raise error(f"{doc.where(path)}: «{dotted(path)}» {wanted}, ikke «{value}».")
        return _check_table(doc, node, value, path, error)
    return convert(doc, spec, value, path, error)


def _bad(doc: Document, spec: Field, path: KeyPath, value: Any, error: ErrorType) -> NaervaerError:
    shown = value if not isinstance(value, dict | list) else "…"
    return error(
        f"{doc.where(path)}: «{dotted(path)}» skal være {spec.describe()}, ikke «{shown}»."
    )


def convert(doc: Document, spec: Field, value: Any, path: KeyPath, error: ErrorType) -> Any:
    """Check one value against its field; return it typed (a text date becomes a date)."""
    kind = spec.type
    ok: bool
    if kind in ("text", "path"):
        ok = isinstance(value, str) and (kind == "text" or bool(value.strip()))
    elif kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif kind == "boolean":
        ok = isinstance(value, bool)
    elif kind == "date":
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value.strip())
            except ValueError:
                raise _bad(doc, spec, path, value, error) from None
        ok = isinstance(value, date) and not isinstance(value, datetime)
    elif kind == "list":
        ok = isinstance(value, list)
    elif kind == "texts":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    elif kind == "text_or_texts":
        ok = isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        )
    else:
        ok = True
    if ok and spec.choices:
        ok = value in spec.choices
    if ok and isinstance(value, int | float) and not isinstance(value, bool):
        ok = (spec.minimum is None or value >= spec.minimum) and (
            spec.maximum is None or value <= spec.maximum
        )
    if not ok:
        raise _bad(doc, spec, path, value, error)
    return value


# ------------------------------------------------------------------------------- docs


def schema_from_example(doc: Document) -> list[Field]:
    """Fields derived from an example file (the shipped policy): every key it has, typed by
    its value, with the comment above it as the help text. User-chosen tables are `free`."""
    fields: list[Field] = []

    def walk(data: Mapping[str, Any], path: KeyPath) -> None:
        for key, value in data.items():
            here = (*path, key)
            help_text = doc.help_of(here)
            if isinstance(value, dict):
                fields.append(Field(dotted(here), "table", help_text))
                walk(value, here)
            elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                fields.append(Field(dotted(here), "tables", help_text))
                merged: dict[str, Any] = {}  # every key any item has, first item's value
                for item in value:
                    for name, item_value in item.items():
                        merged.setdefault(name, item_value)
                first = (*here, 0)
                for name, item_value in merged.items():
                    item_help = doc.help_of((*first, name))
                    fields.append(
                        Field(
                            f"{dotted(here)}[].{name}",
                            _type_of(item_value),
                            item_help,
                            default=item_value,
                        )
                    )
            else:
                fields.append(Field(dotted(here), _type_of(value), help_text, default=value))

    walk(doc.data, ())
    return fields


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, date):
        return "date"
    if isinstance(value, list):
        return "texts" if all(isinstance(v, str) for v in value) else "list"
    return "text"


def reference_table(fields: Iterable[Field]) -> str:
    """A Markdown table of the fields, for the README: key, value, default, what it is for."""
    rows = [
        "| nøkkel | verdi | standard | hva |",
        "|---|---|---|---|",
    ]
    for item in fields:
        if item.type == "table" and not item.help:
            continue
        key = item.path.replace("*", "NAVN")
        default = item.default_text()
        if item.env:
            default = f"{default} (miljø: `{item.env}`)" if default else f"miljø: `{item.env}`"
        value = item.describe()
        rows.append(f"| `{key}` | {value} | {default} | {item.help} |")
    return "\n".join(rows) + "\n"


def reference_text(fields: Iterable[Field]) -> str:
    """The fields as plain text for a terminal: each key with its default and its help."""
    out = []
    for item in fields:
        key = item.path.replace("*", "NAVN")
        if item.type == "table":
            out.append(f"[{key}]")
        elif item.type == "tables":
            out.append(f"[[{key}]]")
        else:
            shown = _short(item.default_text()) if item.default is not None else ""
            out.append(f"{key} = {shown}".rstrip(" ="))
        if item.help:
            out.append(f"    {item.help}")
    return "\n".join(out) + "\n"


def _short(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
