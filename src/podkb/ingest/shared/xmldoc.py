"""XML transcripts parsed safely, into a small tree that remembers source lines.

XML can make a parser expand entities into gigabytes ("billion laughs") or read files and URLs
named in a DTD. Transcripts need none of that, so the parse goes through `defusedxml`, which
refuses DTDs, entity declarations and external references outright, and the tree is bounded in
depth. The SAX interface gives each element's line, which provenance needs and ElementTree
does not keep; it is also not recursive, so deep input cannot reach Python's recursion limit.
"""

from __future__ import annotations

import re
import xml.sax
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.sax.xmlreader import AttributesImpl, Locator

from ...errors import InputError
from ..raw import RawTranscript

# Transcript XML nests five or six levels (tt/body/div/p/span/span); 64 leaves ample room and
# keeps every walk over the tree shallow.
MAX_XML_DEPTH = 64

_DECLARATION_RE = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")


@dataclass
class Element:
    """An element by its local name (`ttm:agent` -> `agent`), with attributes by local name."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Element | str] = field(default_factory=list)

    def elements(self) -> Iterator[Element]:
        """This element and all below it, in document order (iteratively: depth is bounded)."""
        stack: list[Element] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed([c for c in node.children if isinstance(c, Element)]))

    def text(self) -> str:
        """All the text inside, in order."""
        parts: list[str] = []
        stack: list[Element | str] = [self]
        while stack:
            node = stack.pop()
            if isinstance(node, str):
                parts.append(node)
            else:
                stack.extend(reversed(node.children))
        return "".join(parts)


def local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


class _TreeBuilder(xml.sax.ContentHandler):
    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.root: Element | None = None
        self._stack: list[Element] = []
        self._locator: Locator | None = None

    def setDocumentLocator(self, locator: Locator) -> None:  # noqa: N802 - the SAX API
        self._locator = locator

    def _line(self) -> int:
        line = self._locator.getLineNumber() if self._locator is not None else None
        return line or 0

    def startElement(self, name: str, attrs: AttributesImpl) -> None:  # noqa: N802
        if len(self._stack) >= MAX_XML_DEPTH:
            raise InputError(
                f"line {self._line()}: XML nested more than {MAX_XML_DEPTH} levels deep "
                "(transcripts nest a few levels)",
                path=self.path,
            )
        element = Element(
            local(name), {local(k): attrs.getValue(k) for k in attrs.getNames()}, self._line()
        )
        if self._stack:
            self._stack[-1].children.append(element)
        else:
            self.root = element
        self._stack.append(element)

    def endElement(self, name: str) -> None:  # noqa: N802
        self._stack.pop()

    def characters(self, content: str) -> None:
        if self._stack:
            self._stack[-1].children.append(content)


def parse_xml(text: str, path: str = "") -> Element:
    """The document's root element. Bad or unsafe XML is an InputError naming the line."""
    import defusedxml
    import defusedxml.sax

    # The text is decoded already: the declaration's `encoding=` must not decode it again.
    # Spaces of the same length keep every line and column where it was.
    text = _DECLARATION_RE.sub(lambda m: " " * len(m.group(0)), text, count=1)
    builder = _TreeBuilder(path)
    try:
        defusedxml.sax.parseString(text.encode("utf-8"), builder, forbid_dtd=True)
    except xml.sax.SAXParseException as exc:
        raise InputError(
            f"line {exc.getLineNumber()}: not well-formed XML: {exc.getMessage()}", path=path
        ) from None
    except defusedxml.DefusedXmlException as exc:
        raise InputError(
            f"XML with a DTD, entity declarations or external references ({type(exc).__name__}): "
            "podkb reads transcripts without them",
            path=path,
        ) from None
    if builder.root is None:
        raise InputError("XML without a root element", path=path)
    return builder.root


def time_value(value: str | None, frame_rate: float = 30.0) -> float | None:
    """A TTML / Podlove time: `1:02:03.5`, `00:00:01.000`, `12.5s`, `100ms`, `00:00:01:12`
    (frames), or plain seconds. None when absent or not a time."""
    if not value:
        return None
    value = value.strip()
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(h|m|s|ms|f)", value)
    if m:
        number, unit = float(m.group(1)), m.group(2)
        scale = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001, "f": 1 / frame_rate}[unit]
        return number * scale
    m = re.fullmatch(r"(\d+):(\d{1,2}):(\d{1,2}):(\d+(?:\.\d+)?)", value)
    if m:
        h, mi, s, f = (float(g) for g in m.groups())
        return h * 3600 + mi * 60 + s + f / frame_rate
    if re.fullmatch(r"\d+(?::\d{1,2}){0,2}(?:[.,]\d+)?", value):
        seconds = 0.0
        for part in value.replace(",", ".").split(":"):
            seconds = seconds * 60 + float(part)
        return seconds
    return None


def mark_structure(text: str, raw: RawTranscript) -> None:
    """Lines outside every turn's span (tags around the transcript, head, navigation) are
    structure: metadata. Linear in lines plus turns."""
    lines = text.split("\n")
    depth = [0] * (len(lines) + 2)  # +1 where a span opens, -1 after it closes
    for turn in raw.turns:
        first, last = turn.line, max(turn.line, turn.end_line or turn.line)
        if 1 <= first <= len(lines):
            depth[first] += 1
            depth[min(last, len(lines)) + 1] -= 1
    covered = 0
    for n, line in enumerate(lines, start=1):
        covered += depth[n]
        if line.strip() and covered <= 0:
            raw.mark(n, "metadata")


def xml_lang(value: str | None) -> str | None:
    """A document's `xml:lang` as podkb tags languages: the primary subtag, and Chinese as
    zh-Hant (Taiwan, Hong Kong, Macau) or zh-Hans."""
    if not value:
        return None
    key = value.replace("_", "-").lower()
    if key.startswith("zh"):
        return "zh-Hant" if key in ("zh-tw", "zh-hk", "zh-hant", "zh-mo") else "zh-Hans"
    return key.split("-")[0] or None
