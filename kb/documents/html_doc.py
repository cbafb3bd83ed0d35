"""HTML pages (a saved page, a Confluence space export, a Zendesk Help Center export) → sections.

The HTML first goes through nh3, the sanitizer the answer pane uses (scripts, styles, forms,
iframes, objects and event handlers removed; nothing is fetched), then a small parser turns the
clean tree into Markdown split by h1-h3. Page furniture that exports add around the article
(navigation, breadcrumbs, headers, footers, sidebars, comments) is dropped by tag and id/class.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import nh3

from kb.documents.model import Converted, DocumentError
from kb.documents.text import by_headings, md_table, one_line, title_from_name

MAX_HTML_BYTES = 20 * 1024 * 1024
KEEP_TAGS = {
    "html", "body", "main", "article", "section", "div", "span", "p", "br", "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "pre", "code",
    "blockquote", "strong", "b", "em", "i", "a", "nav", "header", "footer", "aside", "title", "head",
}  # fmt: skip
KEEP_ATTRS = {"*": {"id", "class"}}
FURNITURE_TAGS = {"nav", "header", "footer", "aside", "head"}
FURNITURE = re.compile(
    r"breadcrumb|footer|sidebar|navigation|page-metadata|comment|article-votes|article-relatives|"
    r"recent-articles|related|share|subscribe|skip-link|attachments|pageSection",
    re.IGNORECASE,
)
# Confluence titles read "Space : Page"; Zendesk and browsers append " – Site name".
_TITLE_NOISE = re.compile(r"^[^:]{1,60} : |\s+[–|]\s+[^–|]{1,60}$")
BLOCK_TAGS = {"p", "div", "li", "dt", "dd", "pre", "blockquote", "tr", "section", "article", "main", "br"}
VOID = {"br"}


class _Blocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[int, str]] = []
        self.title = ""
        self._stack: list[tuple[str, bool]] = []  # (tag, skipping)
        self._buf: list[str] = []
        self._level = 0
        self._in_title = False
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._list_depth = 0

    @property
    def _skipping(self) -> bool:
        return any(skip for _, skip in self._stack)

    def _flush(self) -> None:
        text = one_line("".join(self._buf))
        self._buf = []
        if text:
            prefix = "- " if self._list_depth and not self._level else ""
            self.blocks.append((self._level, prefix + text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        marker = " ".join(v or "" for k, v in attrs if k in ("id", "class"))
        skip = tag in FURNITURE_TAGS or bool(marker and FURNITURE.search(marker))
        if tag == "title":
            self._in_title = True
        if tag not in VOID:
            self._stack.append((tag, skip and tag != "title"))
        if self._skipping:
            return
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._flush()
            self._level = min(int(tag[1]), 4) if int(tag[1]) <= 3 else 0
        elif tag == "table":
            self._flush()
            self._table = []
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []
        elif tag in ("ul", "ol"):
            self._flush()
            self._list_depth += 1
        elif tag in BLOCK_TAGS and self._table is None:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        skipping = self._skipping
        if not skipping:
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self._flush()
                self._level = 0
            elif tag in ("td", "th") and self._table is not None and self._cell is not None:
                if not self._table:
                    self._table.append([])
                self._table[-1].append(one_line("".join(self._cell)))
                self._cell = None
            elif tag == "table" and self._table is not None:
                table, self._table = self._table, None
                text = md_table(table)
                if text:
                    self.blocks.append((0, text))
            elif tag in ("ul", "ol"):
                self._flush()
                self._list_depth = max(0, self._list_depth - 1)
            elif tag in BLOCK_TAGS and self._table is None:
                self._flush()
        for i in range(len(self._stack) - 1, -1, -1):  # close up to the matching tag (forgiving HTML)
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
            return
        if self._skipping:
            return
        if self._cell is not None:
            self._cell.append(data)
        else:
            self._buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_text(fragment: str) -> str:
    """Sanitized HTML (an email's HTML part) as plain paragraphs."""
    parser = _Blocks()
    parser.feed(nh3.clean(fragment, tags={"p", "div", "br", "li", "ul", "ol", "blockquote"}, attributes={},
                          clean_content_tags={"script", "style"}))  # fmt: skip
    parser.close()
    return "\n\n".join(text for _, text in parser.blocks)


def html_title(raw_title: str) -> str:
    return _TITLE_NOISE.sub("", one_line(raw_title)).strip()


def convert_html(path: Path) -> Converted:
    size = path.stat().st_size
    if size > MAX_HTML_BYTES:
        raise DocumentError(f"HTML page is {size / 1048576:,.0f} MB; the limit is {MAX_HTML_BYTES // 1048576} MB")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    clean = nh3.clean(text, tags=KEEP_TAGS, attributes=KEEP_ATTRS, url_schemes={"http", "https", "mailto"},
                      clean_content_tags={"script", "style", "noscript", "template"}, link_rel=None)  # fmt: skip
    parser = _Blocks()
    parser.feed(clean)
    parser.close()
    blocks = parser.blocks
    title = html_title(parser.title)
    if not title:
        title = next((t for lvl, t in blocks if lvl == 1), "") or title_from_name(path.stem)
    if not any(lvl == 0 for lvl, _ in blocks):
        raise DocumentError("no readable text in the page (only navigation, scripts or images)")
    out = Converted(title=title, kind="html", pages=1)
    out.sections = by_headings(blocks, intro=title)
    return out
