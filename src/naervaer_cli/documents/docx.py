"""DOCX from the rendered HTML: real headings, lists and tables a teacher can edit in Word.

Every value is added with python-docx's run API (`add_run`, `add_heading`), which stores it
as text in `<w:t>`; nothing from an export becomes markup, a field or a hyperlink. The only
fields are the page numbers in the footer, which are this module's constants.

Each document's running header (`data-running`: whose paper, which meeting) heads every page
of it: a new header starts a new Word section. Header rows repeat on every page and keep with
the row below; a `keep` block (a signature block with its heading) stays on one page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from naervaer_cli.documents.charts import HEAT_COLOURS
from naervaer_cli.documents.htmltree import Element, flow, parse, sections, visible

if TYPE_CHECKING:
    from docx.document import Document

HEADING_COLOUR = (0x17, 0x32, 0x4D)
TEXT_WIDTH_MM = 178.0
TALK = "NB – Snakk med barnet/eleven under hele prosessen."


def to_docx(html: str, *, title: str = "", footer: str = TALK) -> bytes:
    """Convert rendered document HTML (one or more `section.document`) into DOCX bytes."""
    from docx import Document as new_document
    from docx.shared import Mm, Pt, RGBColor

    doc = new_document()
    props = doc.core_properties
    # python-docx fills in its own author and comment; neither belongs in a school's file.
    props.author = "naervaer"
    props.last_modified_by = "naervaer"
    props.comments = ""
    props.title = title
    props.keywords = ""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(16)
    section.top_margin, section.bottom_margin = Mm(15), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(3)
    for name, size in (("Heading 1", 17), ("Heading 2", 12.5), ("Heading 3", 10.5)):
        style = doc.styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(*HEADING_COLOUR)
        style.paragraph_format.space_before = Pt(10 if name != "Heading 1" else 0)
        style.paragraph_format.space_after = Pt(4)
    _footer(section, footer)

    root = parse(html)
    docs = sections(root) or [root]
    running: str | None = None
    for index, part in enumerate(docs):
        header = part.attrs.get("data-running", "")
        start = len(doc.paragraphs)
        if index and header != running:
            from docx.enum.section import WD_SECTION

            section = doc.add_section(WD_SECTION.NEW_PAGE)
            start = -1  # the new section starts the page
        if index == 0 or header != running:
            _header(section, header)
            running = header
        _flow(doc, part.children, doc)
        if index and 0 <= start < len(doc.paragraphs):
            # A break on the next document's first paragraph, not an extra paragraph after
            # this one: a document that fills its last page exactly gets no blank page.
            doc.paragraphs[start].paragraph_format.page_break_before = True
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _header(section: Any, text: str) -> None:
    """The running header of a Word section: its own, not the previous section's."""
    from docx.shared import Pt, RGBColor

    section.header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    run = paragraph.add_run(text)
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor(0x52, 0x60, 0x6D)


def _footer(section: Any, text: str) -> None:
    """The NB line, then «Side N av M» from Word's own page fields."""
    from docx.shared import Pt

    foot = section.footer.paragraphs[0]
    run = foot.add_run(text)
    run.font.size = Pt(8)
    run.italic = True
    pages = section.footer.add_paragraph()
    for part in ("Side ", "PAGE", " av ", "NUMPAGES"):
        if part.isupper():
            _field(pages, part)
        else:
            pages.add_run(part).font.size = Pt(8)


def _field(paragraph: Any, code: str) -> None:
    """A simple field (PAGE or NUMPAGES); `code` is always one of those two constants."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr="{code}"><w:r><w:rPr><w:sz w:val="16"/>'
            "</w:rPr><w:t>1</w:t></w:r></w:fldSimple>"
        )
    )


def _flow(
    container: Any,
    nodes: Sequence[Element | str],
    doc: Document,
    paragraph: Any = None,
    style: str | None = None,
) -> None:
    """Write a mix of inline and block nodes: inline runs gather into one paragraph."""
    for run in flow(nodes):
        if isinstance(run, Element):
            paragraph = _block(container, run, doc, paragraph)
        elif any(not isinstance(n, str) or n.strip() for n in run):
            target = paragraph if paragraph is not None else container.add_paragraph(style=style)
            _inline(target, run)
            paragraph = None


def _block(container: Any, el: Element, doc: Document, paragraph: Any) -> Any:
    """Write one block element; returns a still-empty paragraph to reuse, or None."""
    from docx.shared import Mm, Pt, RGBColor

    tag = el.tag
    if tag in ("h1", "h2", "h3", "h4"):
        main = [c for c in el.children if isinstance(c, str) or "sub" not in c.classes]
        heading = container.add_heading(level=int(tag[1]))
        _inline(heading, main)
        for sub in (c for c in el.children if isinstance(c, Element) and "sub" in c.classes):
            p = container.add_paragraph()
            run = p.add_run(sub.text())
            run.font.size = Pt(11)
            run.font.color.rgb = RGBColor(0x52, 0x60, 0x6D)
        return None
    if tag == "p":
        target = paragraph if paragraph is not None else container.add_paragraph()
        _inline(target, el.children, small="muted" in el.classes)
        if "talk" in el.classes:
            _shade_paragraph(target, "FFF4EA")
            for run in target.runs:
                run.bold = True
        return None
    if tag in ("ul", "ol"):
        checklist = "checklist" in el.classes
        items = [c for c in el.children if isinstance(c, Element) and c.tag == "li"]
        for number, item in enumerate(items, start=1):
            if tag == "ol":
                p = container.add_paragraph(style="List Paragraph")
                p.paragraph_format.left_indent = Mm(7)
                p.paragraph_format.first_line_indent = Mm(-5)
                p.paragraph_format.space_after = Pt(1)
                p.add_run(f"{number}.\t")
            else:
                p = container.add_paragraph(style="List Paragraph" if checklist else "List Bullet")
                if checklist:
                    p.add_run("☒ " if "checked" in item.classes else "☐ ")
            _flow(container, item.children, doc, paragraph=p)
        return None
    if tag == "table":
        _table(container, el, doc)
        return None
    if tag == "div" and "write" in el.classes:
        _write_area(container, el, doc)
        return None
    if tag == "footer":
        p = container.add_paragraph()
        _inline(p, el.children, small=True)
        return None
    if tag == "div" and "keep" in el.classes:
        before = _block_count(container)
        _flow(container, el.children, doc)
        _keep_together(container, before)
        return None
    _flow(container, el.children, doc)
    return None


def _inline(paragraph: Any, nodes: Sequence[Element | str], *, small: bool = False) -> None:
    """Add runs for inline content; whitespace collapses the way a browser does it."""
    from docx.shared import Pt, RGBColor

    segments: list[tuple[str, dict[str, bool]]] = []
    _segments(nodes, {"bold": False, "italic": False, "small": small}, segments)
    text_so_far = ""
    for index, (text, fmt) in enumerate(segments):
        if text == "\n":
            if paragraph.runs:
                paragraph.runs[-1].add_break()
            else:
                paragraph.add_run().add_break()
            text_so_far = ""
            continue
        text = re.sub(r"\s+", " ", text)
        if not text_so_far or text_so_far.endswith(" "):
            text = text.lstrip()
        if index == len(segments) - 1 or all(
            s.isspace() or s == "" for s, _ in segments[index + 1 :]
        ):
            text = text.rstrip()
        if not text:
            continue
        run = paragraph.add_run(text)
        run.bold = fmt["bold"] or None
        run.italic = fmt["italic"] or None
        if fmt["small"]:
            run.font.size = Pt(8.5)
            run.font.color.rgb = RGBColor(0x52, 0x60, 0x6D)
        text_so_far += text


def _segments(
    nodes: Sequence[Element | str], fmt: dict[str, bool], out: list[tuple[str, dict[str, bool]]]
) -> None:
    for node in nodes:
        if isinstance(node, str):
            out.append((node, fmt))
        elif node.tag == "br":
            out.append(("\n", fmt))
        elif visible(node):
            inner = dict(fmt)
            if node.tag in ("strong", "b"):
                inner["bold"] = True
            elif node.tag in ("em", "i"):
                inner["italic"] = True
            if "muted" in node.classes:
                inner["small"] = True
            _segments(node.children, inner, out)


def _cells(row: Element) -> list[Element]:
    return [c for c in row.children if isinstance(c, Element) and c.tag in ("td", "th")]


def _rows(table: Element) -> list[Element]:
    rows: list[Element] = []
    for child in table.children:
        if isinstance(child, Element):
            if child.tag == "tr":
                rows.append(child)
            elif child.tag in ("thead", "tbody", "tfoot"):
                rows.extend(_rows(child))
    return rows


def _width_mm(cell: Element) -> float | None:
    match = re.search(r"width:\s*([\d.]+)%", cell.attrs.get("style", ""))
    if match:
        return TEXT_WIDTH_MM * float(match.group(1)) / 100
    if "box" in cell.classes:
        return 9.0
    return None


def _table(container: Any, el: Element, doc: Document) -> None:
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.shared import Mm, Pt

    rows = _rows(el)
    if not rows:
        return
    _keep_previous(container)
    columns = max(len(_cells(r)) for r in rows)
    table = container.add_table(rows=len(rows), cols=columns)
    table.style = doc.styles["Table Grid"]
    widths = _column_widths(rows, columns, facts="facts" in el.classes)
    table.autofit = False
    # LibreOffice lays out by the grid columns, Word by the cell widths: set both.
    for index, column in enumerate(table.columns):
        column.width = Mm(widths[index])
    header = _header_row(el, rows) and "facts" not in el.classes
    for r_index, row in enumerate(rows):
        cells = _cells(row)
        doc_row = table.rows[r_index]
        _row_props(doc_row, header and r_index == 0)
        if "sign" in el.classes and r_index:
            doc_row.height = Mm(12)
            doc_row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        for c_index in range(columns):
            target = doc_row.cells[c_index]
            target.width = Mm(widths[c_index])
            if c_index >= len(cells):
                continue
            cell = cells[c_index]
            first = target.paragraphs[0]
            _flow(target, cell.children, doc, paragraph=first)
            if cell.tag == "th":
                _shade_cell(target, "E8EEF5")
                for p in target.paragraphs:
                    for run in p.runs:
                        run.bold = True
            if "write" in cell.classes:
                doc_row.height = Mm(9)
                doc_row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
            heat = next((c for c in cell.classes if c.startswith("heat-")), None)
            if heat and heat[5:].isdigit() and int(heat[5:]) < len(HEAT_COLOURS):
                level = int(heat[5:])
                _shade_cell(target, HEAT_COLOURS[level].lstrip("#").upper())
                if level >= 3:
                    from docx.shared import RGBColor

                    for p in target.paragraphs:
                        for run in p.runs:
                            run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
            for p in target.paragraphs:
                p.paragraph_format.space_before = Pt(1.5)
                p.paragraph_format.space_after = Pt(1.5)
                # A header row keeps with the first row below it: never alone at a page foot.
                # A facts table (a few label–value rows) is read whole: it stays on one page.
                if (header and r_index == 0 and len(rows) > 1) or (
                    "facts" in el.classes and r_index < len(rows) - 1
                ):
                    p.paragraph_format.keep_with_next = True
    container.add_paragraph().paragraph_format.space_after = Pt(2)


# Arial 10 pt: about 2 mm a character, bold included; a cell's padding on both sides.
CHAR_MM = 2.0
CELL_PAD_MM = 5.0
# A hand-writing column wants room for a sentence.
WRITE_CHARS = 30
LONG_CHARS = 45  # a longer text wraps; it does not take the whole line


def _column_widths(rows: list[Element], columns: int, facts: bool) -> list[float]:
    """Widths in mm that fit the content: a column gets at least its longest word and, room
    permitting, its longest line; the template's own widths (`style="width: …%"`) win."""
    fixed: list[float | None] = [None] * columns
    for row in rows:
        for index, cell in enumerate(_cells(row)):
            width = _width_mm(cell)
            if width is not None and fixed[index] is None:
                fixed[index] = width
    if facts and columns == 2 and fixed[0] is None:
        fixed[0] = TEXT_WIDTH_MM * 0.32
    free = [i for i, w in enumerate(fixed) if w is None]
    rest = TEXT_WIDTH_MM - sum(w for w in fixed if w is not None)
    if not free:
        return [w or 0.0 for w in fixed]
    want: dict[int, float] = {}
    floor: dict[int, float] = {}
    for i in free:
        texts = [_cells(r)[i] for r in rows if i < len(_cells(r))]
        lines = [line for c in texts for line in (c.text().split("\n") or [""])]
        words = [w for line in lines for w in line.split()]
        natural = min(max((len(line) for line in lines), default=0), LONG_CHARS)
        if any("write" in c.classes and not c.text() for c in texts):
            natural = max(natural, WRITE_CHARS)
        shortest = max((len(w) for w in words), default=1) + 1  # bold headers are wider
        want[i] = max(natural, shortest) * CHAR_MM + CELL_PAD_MM
        floor[i] = max(shortest * CHAR_MM + CELL_PAD_MM, 9.0)
    rest = max(rest, sum(floor.values()))
    total_want = sum(want.values())
    if total_want <= rest:
        share = {i: want[i] * rest / total_want for i in free}
    else:
        spare = rest - sum(floor.values())
        slack = sum(want[i] - floor[i] for i in free) or 1.0
        share = {i: floor[i] + spare * (want[i] - floor[i]) / slack for i in free}
    return [share[i] if w is None else w for i, w in enumerate(fixed)]


def _header_row(table: Element, rows: list[Element]) -> bool:
    """Whether the table's first row is a header: in `<thead>`, or all `<th>` in a grid."""
    if any(isinstance(c, Element) and c.tag == "thead" for c in table.children):
        return True
    cells = _cells(rows[0]) if rows else []
    return len(rows) > 1 and len(cells) > 1 and all(c.tag == "th" for c in cells)


def _row_props(row: Any, header: bool) -> None:
    """No row splits across pages; a header row repeats on every page the table runs to."""
    from docx.oxml import OxmlElement

    props = row._tr.get_or_add_trPr()
    props.append(OxmlElement("w:cantSplit"))
    if header:
        props.append(OxmlElement("w:tblHeader"))


def _write_area(container: Any, el: Element, doc: Document) -> None:
    """Room to write by hand: a one-cell table of the requested height."""
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.shared import Mm, Pt

    raw = el.attrs.get("data-lines", "")
    lines = int(raw) if raw.isdigit() else 3
    _keep_previous(container)
    table = container.add_table(rows=1, cols=1)
    table.style = doc.styles["Table Grid"]
    row = table.rows[0]
    row.height = Mm(8 * lines)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    cell = row.cells[0]
    cell.width = Mm(TEXT_WIDTH_MM)
    _flow(cell, el.children, doc, paragraph=cell.paragraphs[0])
    container.add_paragraph().paragraph_format.space_after = Pt(2)


def _body_blocks(container: Any) -> list[Any]:
    from docx.oxml.ns import qn

    body = getattr(getattr(container, "element", None), "body", None)
    if body is None:
        return []
    return [c for c in body.iterchildren() if c.tag != qn("w:sectPr")]


def _block_count(container: Any) -> int:
    return len(_body_blocks(container))


def _keep_together(container: Any, first: int) -> None:
    """Keep every paragraph written since block `first` with the next, so Word moves the
    whole block (a heading with its signature table) to the next page rather than split it."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    paragraphs = [
        p
        for block in _body_blocks(container)[first:]
        for p in ([block] if block.tag == qn("w:p") else block.iter(qn("w:p")))
    ]
    for p in paragraphs[:-2]:  # the last one is the spacing paragraph after a table
        Paragraph(p, container).paragraph_format.keep_with_next = True


def _keep_previous(container: Any) -> None:
    """Keep a lead-in paragraph ("Slik holder vi kontakt:") on the page of the table after it."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    element = getattr(container, "element", None)
    body = getattr(element, "body", None)
    if body is None:
        return
    blocks = [c for c in body.iterchildren() if c.tag != qn("w:sectPr")]
    if blocks and blocks[-1].tag == qn("w:p"):
        Paragraph(blocks[-1], container).paragraph_format.keep_with_next = True


def _shade_cell(cell: Any, fill: str) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    # `fill` is always one of this module's constants, never a value from an export.
    cell._tc.get_or_add_tcPr().append(
        parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')
    )


def _shade_paragraph(paragraph: Any, fill: str) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')
    )
