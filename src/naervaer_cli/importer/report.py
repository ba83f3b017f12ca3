"""The plain-text report of `naervaer check`: what was detected and every problem found."""

from __future__ import annotations

import polars as pl

from naervaer_cli.importer import LESSON_TIMES_HELP, FileReport, ImportResult
from naervaer_cli.importer.codes import UnknownCode, placeholder_lines, vocabularies_knowing
from naervaer_cli.importer.headers import FIELD_LABELS, SYNONYMS
from naervaer_cli.importer.read import DELIMITER_NAMES
from naervaer_cli.privacy import hide_fnr
from naervaer_cli.schema import KIND_LABELS

MAX_PROBLEMS_LISTED = 50
MAX_ROWS_LISTED = 10


def check_report(result: ImportResult) -> str:
    """A readable bokmål report; contains no names, ids or fødselsnummer."""
    lines: list[str] = []
    for f in result.files:
        lines.append(f"Fil: {f.path}")
        detected = [f"format {f.file_format}"]
        if f.encoding:
            detected.append(f"tegnkoding {f.encoding}")
        if f.delimiter:
            detected.append(f"skilletegn {DELIMITER_NAMES[f.delimiter]}")
        if f.sheet:
            detected.append(f"ark «{f.sheet}»")
        detected.append(f"overskrift i rad {f.header_row}")
        lines.append("  Funnet: " + ", ".join(detected))
        if f.vocabulary is not None:
            lines.append("  " + f.vocabulary.note())
        lines.append("  Kolonner:")
        for field, header in f.columns.items():
            lines.append(f"    {header:<24} → {FIELD_LABELS[field]}")
        if f.unused_columns:
            lines.append("  Ikke brukt: " + ", ".join(f.unused_columns))
        lines.append(f"  Rader lest: {f.rows_read}, fraværsposter: {f.records}")
        lines += _codes(f)
        if f.skipped_rows:
            shown = ", ".join(str(r) for r in f.skipped_rows[:MAX_ROWS_LISTED])
            more = len(f.skipped_rows) - MAX_ROWS_LISTED
            lines.append(
                f"  Hoppet over: {len(f.skipped_rows)} sum- eller oppsummeringsrad(er) under "
                f"tabellen (rad {shown}{f' og {more} til' if more > 0 else ''}); de er ikke "
                "fraværsrader."
            )
        for warning in f.warnings:
            lines.append(f"  Advarsel: {warning}")
        for note in f.notes:
            lines.append(f"  Merk: {note}")
        if f.repeated_rows:
            shown = ", ".join(str(r) for r in f.repeated_rows[:MAX_ROWS_LISTED])
            more = len(f.repeated_rows) - MAX_ROWS_LISTED
            lines.append(
                f"  Merk: {len(f.repeated_rows)} rad(er) er helt like en tidligere rad i samme "
                f"fil (rad {shown}{f' og {more} til' if more > 0 else ''}); de telles hver "
                "for seg. Er de dobbeltført, rett dem i fagsystemet."
            )
        # Rows with an unknown code are listed once per code above, not once per row.
        problems = [p for p in f.problems if not p.unknown_code]
        if problems:
            lines.append(f"  Problemer ({len(problems)}):")
            for problem in problems[:MAX_PROBLEMS_LISTED]:
                lines.append(
                    f"    rad {problem.row}, kolonne «{problem.column}»: {problem.message}"
                )
            if len(problems) > MAX_PROBLEMS_LISTED:
                lines.append(f"    … og {len(problems) - MAX_PROBLEMS_LISTED} til.")
        lines.append("")
    lines += _totals(result)
    # File names and headers as written: never a fødselsnummer.
    return hide_fnr("\n".join(lines)) + "\n"


def _codes(f: FileReport) -> list[str]:
    """Every distinct code with its rows and kind, the kinds read from descriptions, and the
    unknown codes as one block to paste."""
    lines: list[str] = []
    if f.code_counts:
        lines.append("  Koder:")
        for code, kind, rows in f.code_counts:
            meaning = KIND_LABELS[kind] if kind else "ukjent"
            shown = f"«{code}»"
            lines.append(f"    {shown:<24} {rows:>7} {'rad' if rows == 1 else 'rader'} → {meaning}")
    if f.derived_codes:
        lines.append("  Fra beskrivelseskolonnen:")
        for d in f.derived_codes:
            lines.append(f"    «{d.code}» → {KIND_LABELS[d.kind]} («{d.text}»)")
    if f.unknown_codes:
        lines.append(
            f"  Ukjente fraværskoder ({len(f.unknown_codes)}); lim inn i naervaer.toml og "
            "bytt «?» med fraværsarten:"
        )
        lines.append("    [import.codes]")
        lines += [f"    {line}" for line in placeholder_lines(f.unknown_codes)]
    return lines


def suggest_config(result: ImportResult) -> str:
    """A naervaer.toml fragment for these files: every «?» to fill in, nothing guessed."""
    unknown: list[UnknownCode] = [u for f in result.files for u in f.unknown_codes]
    files = ", ".join(f.path.name for f in result.files)
    lines = [
        f"# naervaer.toml for {files} (naervaer check --suggest-config).",
        "# Bytt hvert «?» med riktig verdi; en «?» som blir stående, er en feil.",
    ]
    chosen = {f.vocabulary.vocabulary.name: f.vocabulary for f in result.files if f.vocabulary}
    vendor = [c for c in chosen.values() if c.vocabulary.name != "standard"]
    settings: list[str] = []
    if len(vendor) == 1:
        settings.append(
            f'vocabulary = "{vendor[0].vocabulary.name}"   # {vendor[0].vocabulary.title}'
        )
    else:
        known: dict[str, list[str]] = {}
        for u in unknown:
            for label, _ in vocabularies_knowing(u.code):
                known.setdefault(label, []).append(u.code)
        for label, codes in known.items():
            name, title = label.split(" ", 1)
            settings.append(f'# vocabulary = "{name}"   # {title[1:-1]} kjenner {", ".join(codes)}')
    settings += _needed_settings(result)
    if settings:
        lines += ["", "[import]", *settings]
    unused = sorted({c for f in result.files for c in f.unused_columns})
    lines += _unused_lines(unused)
    if unknown:
        lines += ["", "[import.codes]", *placeholder_lines(unknown)]
    if len(lines) == 2:
        lines.append("# Filene leses uten mer konfigurasjon.")
    others = sum(
        1 for f in result.files for p in f.problems if not (p.unknown_code or p.config_key)
    )
    if others:
        lines += [
            "",
            f"# Merk: {others} rad(er) har andre feil, som må rettes i eksporten; "
            "`naervaer check` uten --suggest-config viser dem.",
        ]
    return hide_fnr("\n".join(lines)) + "\n"


def _needed_settings(result: ImportResult) -> list[str]:
    """The [import] lines a file needs before it can be read (normalize's `needs`)."""
    places = [
        f"{f.path.name}, kolonne «{p.column}»"
        for f in result.files
        for p in f.problems
        if p.config_key == "import.lesson_times"
    ]
    if not places:
        return []
    return [
        f'lesson_times = ["?"]   # {LESSON_TIMES_HELP}; timene står som nummer i '
        + " og ".join(places)
    ]


def suggest_for_missing(path: str, fields: tuple[str, ...], unused: tuple[str, ...]) -> str:
    """The fragment when required columns are missing: one «?» line per missing field."""
    lines = [
        f"# naervaer.toml for {path} (naervaer check --suggest-config).",
        "# Bytt hvert «?» med kolonnenavnet slik eksporten skriver det; en «?» som blir "
        "stående, er en feil.",
        "",
        "[import.columns]",
    ]
    choices = ", ".join(unused) if unused else "ingen ubrukte kolonner"
    for field in fields:
        lines.append(
            f'{field} = "?"   # {FIELD_LABELS[field]} (f.eks. {", ".join(SYNONYMS[field][:3])}); '
            f"ubrukte kolonner: {choices}"
        )
    lines.append("# Kjør `naervaer check FIL --suggest-config` igjen etterpå for kodene.")
    return hide_fnr("\n".join(lines)) + "\n"


def _unused_lines(unused: list[str]) -> list[str]:
    if not unused:
        return []
    fields = ", ".join(SYNONYMS)
    lines = [
        "",
        "[import.columns]",
        "# Kolonner naervaer ikke bruker. Skal en av dem leses, skriv feltet foran, f.eks.",
        '# comment = ["Registrert av"]. Felt: ' + fields + ".",
    ]
    lines += [f'# ? = ["{c}"]' for c in unused]
    return lines


def _totals(result: ImportResult) -> list[str]:
    records = result.records
    lines = ["Samlet:"]
    lines.append(
        f"  Fraværsposter: {records.height}"
        + (
            f" ({result.duplicates} like poster i flere filer telt én gang)"
            if result.duplicates
            else ""
        )
    )
    if records.is_empty():
        lines.append("  Ingen fravær registrert.")
        return lines
    groups = sorted(g for g in records.get_column("group").unique().to_list() if g)
    first, last = records.select(
        pl.col("date").min().alias("first"), pl.col("date").max().alias("last")
    ).row(0)
    people = "Barn" if result.setting == "barnehage" else "Elever"
    lines.append(f"  {people}: {records.get_column('pupil_id').n_unique()}")
    lines.append(
        f"  Grupper: {len(groups)} ({', '.join(groups)})" if groups else "  Grupper: ingen"
    )
    lines.append(f"  Datoer: {first:%d.%m.%Y}–{last:%d.%m.%Y}")
    counts = records.get_column("kind").value_counts(sort=True)
    lines.append("  Per fraværsart:")
    for kind, count in counts.iter_rows():
        lines.append(f"    {KIND_LABELS[kind]:<16} {count}")
    return lines
