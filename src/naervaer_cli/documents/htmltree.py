"""A small element tree of the rendered HTML, which the DOCX and Markdown writers walk.

The templates are written once, in HTML. The writers for other formats read the rendered,
autoescaped HTML back into this tree; text nodes come back as plain strings (entities
decoded), so a value like ``<script>`` is text here, never an element.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"br", "hr", "img", "meta", "link", "input", "col", "wbr", "source"}
# Elements whose content the writers never show.
SKIP = {"svg", "script", "style", "head", "title"}
# Elements that start a block of their own in DOCX and Markdown; anything else flows inline.
BLOCK = {
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "ul",
    "ol",
    "table",
    "div",
    "section",
    "header",
    "footer",
    "li",
    "main",
    "article",
}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        """All text below this element, whitespace collapsed; `<br>` becomes a newline."""
        parts: list[str] = []
        _collect(self, parts)
        return "\n".join(" ".join(line.split()) for line in "".join(parts).split("\n")).strip()

    def find_all(self, tag: str) -> list[Element]:
        found = []
        for child in self.children:
            if isinstance(child, Element):
                if child.tag == tag:
                    found.append(child)
                found.extend(child.find_all(tag))
        return found


def _collect(node: Element, parts: list[str]) -> None:
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
        elif child.tag == "br":
            parts.append("\n")
        elif child.tag not in SKIP:
            _collect(child, parts)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching open element; a stray end tag is ignored.
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    """Parse rendered HTML into a tree rooted at a synthetic `root` element."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def sections(root: Element) -> list[Element]:
    """The documents (`<section class="document">`) in order."""
    return [s for s in root.find_all("section") if "document" in s.classes]


def visible(node: Element | str) -> bool:
    """Text, or an element that is neither skipped nor marked for HTML only."""
    if isinstance(node, str):
        return True
    return node.tag not in SKIP and "html-only" not in node.classes


def flow(nodes: Sequence[Element | str]) -> Iterator[list[Element | str] | Element]:
    """The visible nodes as they flow: runs of inline nodes (a list each) between blocks."""
    pending: list[Element | str] = []
    for node in nodes:
        if not visible(node):
            continue
        if isinstance(node, str) or node.tag not in BLOCK:
            pending.append(node)
            continue
        if pending:
            yield pending
            pending = []
        yield node
    if pending:
        yield pending
