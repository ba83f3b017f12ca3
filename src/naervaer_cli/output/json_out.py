"""The scan result as JSON: exactly `naervaer_cli.result.to_json`, the §10 contract."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from naervaer_cli.result import PupilResult, ScanResult, pupil_to_json, to_json

if TYPE_CHECKING:
    import polars as pl

# orjson's OPT_INDENT_2 layout of the document: the pupils list is at depth 1 (its items at 4
# spaces), a pupil's keys at 6, a flag at 8, its keys at 10 and its dates at 12.
_PUPIL = " " * 4
_FIELD = " " * 6
_FLAG = " " * 8
_KEY = " " * 10
_ITEM = " " * 12
# The characters orjson escapes in a string: the C0 controls, the quote and the backslash
# (a test checks every code point). Any other string is written between quotes as it is.
_ESCAPED = r'[\x00-\x1f"\\]'
# Stands for the pupils list in the document orjson writes around it: a NUL never appears in
# orjson's own text (it escapes it), so it cannot be confused with the data.
_PUPILS = b"\x00"
# A pupil's first keys in `pupil_to_json`: its own values, written here column by column.
_OWN = ("pupil_id", "name", "group", "contact", "status")


def render_json(result: ScanResult) -> bytes:
    """§10 JSON as UTF-8. Key order is the contract's (no sorting); Norwegian letters stay
    readable. Bytes, as orjson writes them: decoding 170 MB to encode them again costs 0.4 s.

    The pupils list is put together in Polars, in orjson's own layout (tests compare the
    bytes with orjson's for `to_json`): at 1M rows 16 000 pupil objects with 22 000 flags,
    which as dicts for orjson cost twice as long (0.11 s instead of 0.05 s).
    """
    # orjson writes the same indented JSON as the standard library about 20x faster: the
    # standard library drops to pure Python as soon as it indents.
    import orjson
    import polars as pl

    option = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
    document = to_json(replace(result, pupils=()))
    document["pupils"] = orjson.Fragment(_PUPILS)
    head, tail = orjson.dumps(document, option=option).split(_PUPILS)
    if not result.pupils:
        return head + b"[]" + tail
    # The objects leave Polars as bytes (as text they would be decoded and encoded again)
    # and are joined here, in one copy: half the time of a join in Polars.
    objects = _pupil_objects(result).cast(pl.Binary).to_list()
    return b"".join([head, b"[\n", *objects, b"\n  ]", tail])


def _pupil_objects(result: ScanResult) -> pl.Series:
    """Each pupil's object, in the result's order, as orjson writes it inside the list (with
    the indent before it, and the comma between it and the one before)."""
    import polars as pl

    pupils = result.pupils
    # A column at a time: a comprehension per attribute is several times faster than one
    # loop appending to seven lists.
    columns: dict[str, list[Any]] = {
        "pupil_id": [p.pupil_id for p in pupils],
        "name": [p.name for p in pupils],
        "group": [p.group for p in pupils],
        "contact": [p.contact for p in pupils],
        "status": [p.status for p in pupils],
    }
    # Each pupil's keys before and after "flags" besides its own five come from its suggestion
    # and its case: pupils without a case share their level's Suggestion, written once.
    around: dict[int, tuple[str, str]] = {}
    plans, cases = [], []
    for p in pupils:
        if p.case is None:
            known = around.get(id(p.suggestion))
            if known is None:
                known = around[id(p.suggestion)] = _around_flags(p)
        else:
            known = _around_flags(p)
        plans.append(known[0])
        cases.append(known[1] or None)
    columns["plan"] = plans
    columns["case"] = cases
    frame = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
    flags = _flag_lists(result)
    if flags is not None:
        frame = frame.join(flags, on="pupil_id", how="left", maintain_order="left")
    else:
        frame = frame.with_columns(flags=pl.lit(None, pl.String))

    def field(key: str) -> pl.Expr:
        return pl.lit(f'{_FIELD}"{key}": ')

    return frame.select(
        pl.concat_str(
            pl.when(pl.int_range(pl.len()) > 0)
            .then(pl.lit(",\n" + _PUPIL))
            .otherwise(pl.lit(_PUPIL)),
            pl.lit("{\n"),
            field("pupil_id"),
            _json_text(frame, "pupil_id"),
            pl.lit(",\n"),
            field("name"),
            _json_text(frame, "name"),
            pl.lit(",\n"),
            field("group"),
            _json_text(frame, "group"),
            pl.lit(",\n"),
            field("contact"),
            _json_text(frame, "contact"),
            pl.lit(",\n"),
            field("status"),
            _json_text(frame, "status"),
            pl.lit(",\n"),
            pl.col("plan"),
            field("flags"),
            pl.col("flags").fill_null("[]"),
            pl.col("case").fill_null(""),
            pl.lit("\n" + _PUPIL + "}"),
        )
    ).to_series()


def _around_flags(pupil: PupilResult) -> tuple[str, str]:
    """The lines of `pupil_to_json` between the pupil's own five keys and "flags" (with the
    comma after them), and those after "flags" (with the comma before them, or "")."""
    whole = pupil_to_json(pupil, flags=[])
    keys = list(whole)
    at = keys.index("flags")
    assert tuple(keys[: len(_OWN)]) == _OWN
    before = _fields({key: whole[key] for key in keys[len(_OWN) : at]}) + ",\n"
    after = {key: whole[key] for key in keys[at + 1 :]}
    return before, ",\n" + _fields(after) if after else ""


def _fields(fields: dict[str, Any]) -> str:
    """The lines orjson writes for `fields` as keys of a pupil object (no trailing comma)."""
    import orjson

    text = orjson.dumps({"p": [fields]}, option=orjson.OPT_INDENT_2).decode("utf-8")
    start, end = '{\n  "p": [\n' + _PUPIL + "{\n", "\n" + _PUPIL + "}\n  ]\n}"
    assert text.startswith(start) and text.endswith(end)
    return text[len(start) : -len(end)]


def _json_text(frame: pl.DataFrame, name: str) -> pl.Expr:
    """Column `name` of `frame` as orjson writes each value: null, or quoted (`_quoted`)."""
    import polars as pl

    return _quoted(pl.col(name), frame.get_column(name)).fill_null("null")


def _flag_lists(result: ScanResult) -> pl.DataFrame | None:
    """Each flagged pupil's "flags" list as JSON text (columns pupil_id, flags), written from
    the result's flag frame; None when no pupil has a flag.

    The same text orjson writes for `flag_to_json` of each flag (a test compares them), built
    in columns: at 10M rows that is 0.2 s instead of 2 s for 1.3M dates and 200k flags. Every
    distinct string is escaped by orjson itself.
    """
    import polars as pl

    from naervaer_cli.output.evidence import day_texts, flag_frame

    frame = flag_frame(result, ordered=False)
    if frame.is_empty():
        return None

    def number(name: str) -> pl.Expr:
        return pl.col(name).cast(pl.String).fill_null("null")

    def items(name: str, joined: pl.Expr) -> pl.Expr:
        """A list column as an indented JSON array of its texts `joined`."""
        return (
            pl.when(pl.col(name).list.len() > 0)
            .then(pl.concat_str(pl.lit("[\n" + _ITEM), joined, pl.lit("\n" + _KEY + "]")))
            .otherwise(pl.lit("[]"))
        )

    def key(name: str) -> pl.Expr:
        return pl.lit(f',\n{_KEY}"{name}": ')

    strings = {name: frame.get_column(name) for name in ("rule", "severity", "subject")}
    lessons = frame.get_column("lessons").explode()
    subject = _quoted(pl.col("subject"), strings["subject"])
    # ISO dates need no escaping.
    days = frame.get_column("dates").explode().drop_nulls().unique()
    dates = (
        pl.col("dates")
        .list.eval(day_texts(pl.element(), days, "%Y-%m-%d", quote='"'))
        .list.join(",\n" + _ITEM)
    )
    text = frame.select(
        "pupil_id",
        flag=pl.concat_str(
            pl.lit(f'{{\n{_KEY}"rule": '),
            _quoted(pl.col("rule"), strings["rule"]),
            pl.when(subject.is_not_null())
            .then(pl.concat_str(key("subject"), subject))
            .otherwise(pl.lit("")),
            key("severity"),
            _quoted(pl.col("severity"), strings["severity"]),
            key("count"),
            number("count"),
            key("threshold"),
            number("threshold"),
            key("dates"),
            items("dates", dates),
            key("lessons"),
            items(
                "lessons",
                pl.col("lessons")
                .list.eval(_quoted(pl.element(), lessons))
                .list.join(",\n" + _ITEM),
            ),
            key("signal"),
            pl.when(pl.col("signal")).then(pl.lit("true")).otherwise(pl.lit("false")),
            pl.lit("\n" + _FLAG + "}"),
        ),
    )
    # Gathering each pupil's texts into a list and joining the lists is three times as
    # fast as joining the texts in the group_by (measured at 1M rows).
    lists = text.group_by("pupil_id", maintain_order=True).agg("flag")
    return lists.select(
        "pupil_id",
        flags=pl.concat_str(
            pl.lit("[\n" + _FLAG),
            pl.col("flag").list.join(",\n" + _FLAG),
            pl.lit("\n" + _FIELD + "]"),
        ),
    )


def _quoted(text: pl.Expr, values: pl.Series) -> pl.Expr:
    """The strings of `text` as orjson writes them: between quotes, as they are unless they
    hold a character of _ESCAPED; each distinct one that does is escaped by orjson itself,
    so the text cannot differ from orjson's. `values` holds every string `text` may give.
    """
    import orjson
    import polars as pl

    quoted = pl.concat_str(pl.lit('"'), text, pl.lit('"'))
    odd = values.filter(values.str.contains(_ESCAPED)).unique().to_list()
    if not odd:
        return quoted
    escaped = [orjson.dumps(value).decode("utf-8") for value in odd]
    return pl.when(text.str.contains(_ESCAPED)).then(text.replace(odd, escaped)).otherwise(quoted)
