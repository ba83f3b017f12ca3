"""Markdown from the rendered HTML, with every text escaped so it stays text in any renderer."""

from __future__ import annotations

import re
from collections.abc import Sequence

from naervaer_cli.documents.htmltree import Element, flow, parse, sections, visible
from naervaer_cli.textsafe import safe_text

# CommonMark lets a backslash escape any ASCII punctuation; these are the ones that can start
# markup (emphasis, links, raw HTML, code, tables, headings, entities).
_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!&])")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])", re.MULTILINE)


def escape(text: str) -> str:
    """Escape `text` so Markdown shows it literally (no HTML, links, emphasis or code)."""
    return _SPECIAL.sub(r"\\\1", text)


def _line_starts(text: str) -> str:
    """Escape what would start a list or a heading underline at the start of a line."""
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def to_markdown(html: str) -> str:
    """Convert rendered document HTML into Markdown; documents are separated by a rule."""
    root = parse(safe_text(html))
    docs = sections(root) or [root]
    parts = []
    for part in docs:
        blocks: list[str] = []
        _flow(part.children, blocks)
        parts.append("\n\n".join(b for b in blocks if b.strip()))
    return "\n\n---\n\n".join(parts).strip() + "\n"


def _flow(nodes: Sequence[Element | str], out: list[str], cell: bool = False) -> None:
    for run in flow(nodes):
        if isinstance(run, Element):
            _block(run, out, cell)
        elif text := _inline(run):
            out.append(text.replace("\n", " ") if cell else _paragraph(text))


def _paragraph(text: str) -> str:
    # Markdown breaks a line inside a paragraph with a trailing backslash.
    return "\\\n".join(_line_starts(line.strip()) for line in text.split("\n"))


def _inline(nodes: Sequence[Element | str]) -> str:
    text = _inline_raw(nodes)
    return "\n".join(re.sub(r" {2,}", " ", line).strip() for line in text.split("\n")).strip()


def _inline_raw(nodes: Sequence[Element | str]) -> str:
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(escape(re.sub(r"\s+", " ", node)))
        elif node.tag == "br":
            parts.append("\n")
        elif visible(node):
            raw = _inline_raw(node.children)
            inner = raw.strip()
            if not inner:
                parts.append(" " if raw else "")
                continue
            # Emphasis markers hug the text; the element's own outer spaces stay outside.
            lead = " " if raw[:1].isspace() else ""
            trail = " " if raw[-1:].isspace() else ""
            if node.tag in ("strong", "b"):
                inner = f"**{inner}**"
            elif node.tag in ("em", "i") or "muted" in node.classes:
                inner = f"*{inner}*"
            parts.append(f"{lead}{inner}{trail}")
    return "".join(parts)


def _block(el: Element, out: list[str], cell: bool = False) -> None:
    """One block; inside a table cell everything must stay on one line."""
    tag = el.tag
    if cell:
        if tag in ("ul", "ol"):
            items = [c for c in el.children if isinstance(c, Element) and c.tag == "li"]
            out.append(" • ".join(_inline(i.children).replace("\n", " ") for i in items))
        else:
            _flow(el.children, out, cell=True)
        return
    if tag in ("h1", "h2", "h3", "h4"):
        main = [c for c in el.children if isinstance(c, str) or "sub" not in c.classes]
        out.append("#" * int(tag[1]) + " " + _inline(main).replace("\n", " "))
        for sub in (c for c in el.children if isinstance(c, Element) and "sub" in c.classes):
            out.append(f"*{_inline(sub.children)}*")
    elif tag == "p":
        text = _inline(el.children)
        if text:
            out.append(f"> **{text}**" if "talk" in el.classes else _paragraph(text))
    elif tag in ("ul", "ol"):
        items = [c for c in el.children if isinstance(c, Element) and c.tag == "li"]
        lines = []
        for number, item in enumerate(items, start=1):
            box = "- [x]" if "checked" in item.classes else "- [ ]"
            marker = f"{number}." if tag == "ol" else (box if "checklist" in el.classes else "-")
            lines.append(f"{marker} {_line_starts(_inline(item.children).replace(chr(10), ' '))}")
        out.append("\n".join(lines))
    elif tag == "table":
        out.append(_table(el))
    elif tag == "div" and "write" in el.classes:
        text = _inline(el.children)
        raw = el.attrs.get("data-lines", "")
        rows = int(raw) if raw.isdigit() else 3
        filler = "\n\n".join(["." * 60] * max(rows - (1 if text else 0), 1))
        out.append((_paragraph(text) + "\n\n" if text else "") + filler)
    elif tag == "footer":
        text = _inline(el.children)
        if text:
            out.append(f"*{text}*")
    else:
        _flow(el.children, out)


def _cell(cell: Element) -> str:
    blocks: list[str] = []
    _flow(cell.children, blocks, cell=True)
    return " ".join(blocks) or " "


def _table(el: Element) -> str:
    rows: list[list[str]] = []
    for row in el.find_all("tr"):
        rows.append(
            [_cell(c) for c in row.children if isinstance(c, Element) and c.tag in ("td", "th")]
        )
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [" "] * (width - len(r)) for r in rows]
    header, body = rows[0], rows[1:]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(lines)
