"""The scan result as a Markdown table with the summary, for wikis, mails and minutes."""

from __future__ import annotations

from naervaer_cli.output.rows import display_rows
from naervaer_cli.output.table import footer_lines, under_table
from naervaer_cli.result import ScanResult
from naervaer_cli.textsafe import safe_text
from naervaer_cli.words import date_text


def _escape(text: str) -> str:
    # A pipe would end the cell and a newline the row; backslash first so escapes stay escapes.
    # Escape sequences go first: escaping their «[» would leave the rest of one behind.
    out = safe_text(text).replace("\\", "\\\\").replace("|", "\\|")
    for char in "*_`[]<>":
        out = out.replace(char, "\\" + char)
    return " ".join(out.split())


def render_md(result: ScanResult, group: str | None = None) -> str:
    headers, rows = display_rows(result)
    title = "Fravær til oppfølging"
    if group:
        title += f" – {group}"
    out = [f"# {title}", "", f"Per {date_text(result.as_of)}, policy «{result.policy}».", ""]
    if rows:
        out.append("| " + " | ".join(headers) + " |")
        out.append("|" + "|".join("---:" if h == "NIVÅ" else "---" for h in headers) + "|")
        out += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in rows]
        out.append("")
        # Next steps, cases and the legend: a heading line, then its items as a list.
        for line in under_table(result):
            if line.startswith(" "):
                out.append(f"- {_escape(line)}")
            else:
                # a blank line around each list, or Markdown runs it into the paragraph
                out += ["", _escape(line), ""]
        out.append("")
    *lines, talk = footer_lines(result, group)
    out += [f"{_escape(line)}  " for line in lines]
    out += ["", f"**{talk}**"]
    return "\n".join(out) + "\n"
