"""Item Markdown → safe HTML for the answer pane and the clipboard, and HTML → plain text.

Why here and Qt-free: rendering runs on a worker thread (python-markdown is not free on long
articles) and is easy to test without a display. Why sanitize with nh3 even though experts write
the content: items are also imported from files and other tools, the answer pane must never run
script or load remote content, and the same HTML is put on the clipboard for the rep to paste into
an email — it has to be clean.
"""

from __future__ import annotations

import html
import re
from datetime import date
from html.parser import HTMLParser

import markdown
import nh3

from kb.records import ItemRecord

#: Tags Qt's rich-text engine can show. No images: nothing is ever fetched, local or remote.
ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "del",
    "code", "pre", "kbd", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "a", "sub", "sup",
    "table", "thead", "tbody", "tr", "th", "td", "span", "mark",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
_URL = re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")
_TAG = re.compile(r"(<[^>]+>)")


_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,3}[.)]) +\S")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def _separate_lists(text: str) -> str:
    """Put a blank line before a list that directly follows a paragraph line.

    Experts (and GitHub, CommonMark) write "**Includes:**\n- a\n- b"; python-markdown would run
    such a list into the paragraph as one line of text.
    """
    out: list[str] = []
    in_fence = False
    prev = ""
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and _LIST_ITEM.match(line) and prev.strip() and not _LIST_ITEM.match(prev) \
                and not prev.startswith((" ", "\t")):  # fmt: skip
            out.append("")
        out.append(line)
        prev = line
    return "\n".join(out)


def render_markdown(text: str) -> str:
    """Markdown to sanitized HTML; bare URLs become links (experts paste them as plain text)."""
    raw = markdown.markdown(_separate_lists(text or ""), extensions=["extra", "sane_lists"], output_format="html")
    clean = nh3.clean(raw, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=None)
    return _linkify(clean)


def _linkify(fragment: str) -> str:
    """Wrap bare http(s) URLs in text nodes, leaving existing links and code alone."""
    out: list[str] = []
    skip = 0  # depth inside <a>, <code> or <pre>
    for part in _TAG.split(fragment):
        if part.startswith("<"):
            name = part.strip("</>").split()[0].lower() if part.strip("</>") else ""
            if name in ("a", "code", "pre"):
                skip += -1 if part.startswith("</") else 1
            out.append(part)
        elif skip <= 0 and "http" in part:
            # The text is already escaped by nh3, so the URL is safe to reuse in the attribute.
            out.append(_URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', part))
        else:
            out.append(part)
    return "".join(out)


def snippet_html(snippet: str, mark_bg: str, mark_fg: str) -> str:
    """Qt's rich text ignores ``<mark>``; restyle it with colours taken from the current palette."""
    style = f'<span style="background-color:{mark_bg}; color:{mark_fg}; font-weight:600;">'
    return snippet.replace("<mark>", style).replace("</mark>", "</span>")


def answer_html(item: ItemRecord, body_html: str, *, warn: str, muted: str, today: date | None = None) -> str:
    """The answer pane document: title, who owns it and how fresh it is, then the answer.

    The expert and the verified date sit on top because a rep must know whom to ask and whether
    to trust a number before reading it out on a call.
    """
    today = today or date.today()
    kind = "Q&A" if item.kind == "qa" else "Article"
    owner = html.escape(item.owner or "no owner")
    ask = owner if item.owner else "a product expert"  # imported documents have no owner yet
    if item.verified_on is None:
        fresh = f'<span style="color:{warn}">⚠ Never verified — check with {ask} before quoting.</span>'
    elif item.is_stale(today):
        due = item.review_due()
        fresh = (
            f'<span style="color:{warn}">⚠ Stale: verified {item.verified_on.isoformat()}, review was due '
            f"{due.isoformat() if due else '?'} — check with {ask} before quoting.</span>"
        )
    else:
        fresh = f"✓ Verified {item.verified_on.isoformat()}"
    draft = f' · <span style="color:{warn}">{html.escape(item.status)}</span>' if item.status != "published" else ""
    return (
        f'<h2 style="margin-bottom:2px">{html.escape(item.title)}</h2>'
        f'<p style="color:{muted}; margin-top:0">{kind} · Expert: <b>{owner}</b> · {fresh}{draft}</p>'
        f"{provenance_html(item, muted)}<hr/>{body_html}"
    )


def provenance_html(item: ItemRecord, muted: str) -> str:
    """Where an imported item came from (file, page or slide, import date), so a rep can cite it
    ("page 3 of the security whitepaper") and an expert can find the original. Empty for items
    written in the app."""
    source = item.extra.get("source_file")
    if not source:
        return ""
    parts = [f"<b>{html.escape(str(source))}</b>"]
    if item.extra.get("source_location"):
        parts.append(html.escape(str(item.extra["source_location"])))
    when = f" · imported {html.escape(str(item.extra['imported_on']))}" if item.extra.get("imported_on") else ""
    return f'<p style="color:{muted}; margin-top:0">Source: {", ".join(parts)}{when}</p>'



class _TextWriter(HTMLParser):
    """Just enough HTML → text for pasting into chat or a plain-text email: keeps list markers,
    paragraph breaks and link targets, which a generic "strip tags" would lose."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "table", "tr", "ul", "ol", "dl"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lists: list[list[int]] = []  # [counter] per open list; -1 for bullets
        self.href: str | None = None
        self.link_text: list[str] = []
        self.in_row = False
        self.pre = 0  # inside <pre>: line breaks are the author's

    def _newline(self, n: int = 1) -> None:
        text = "".join(self.parts)
        have = len(text) - len(text.rstrip("\n"))
        if text and have < n:
            self.parts.append("\n" * (n - have))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ul", "ol"):
            self._newline(1 if self.lists else 2)
            self.lists.append([0 if tag == "ol" else -1])
        elif tag == "li":
            self._newline()
            depth = max(len(self.lists) - 1, 0)
            counter = self.lists[-1] if self.lists else [-1]
            if counter[0] >= 0:
                counter[0] += 1
                self.parts.append("  " * depth + f"{counter[0]}. ")
            else:
                self.parts.append("  " * depth + "- ")
        elif tag in self.BLOCKS:
            self._newline(1 if tag == "tr" else 2)
            self.in_row = tag == "tr"
            self.pre += tag == "pre"
        elif tag == "br":
            self.parts.append("\n")
        elif tag in ("td", "th"):
            if self.parts and not self.parts[-1].endswith("\n"):
                self.parts.append(" | ")
        elif tag == "a":
            self.href = dict(attrs).get("href")
            self.link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._newline(1 if self.lists else 2)
        elif tag in self.BLOCKS:
            self._newline(1 if tag == "tr" else 2)
            self.in_row = False
            self.pre -= tag == "pre" and self.pre > 0
        elif tag == "a" and self.href:
            shown = "".join(self.link_text).strip()
            if shown != self.href and self.href.removeprefix("mailto:") != shown:
                self.parts.append(f" ({self.href})")
            self.href = None

    def handle_data(self, data: str) -> None:
        if not self.pre:
            # Markdown semantics: a line break inside a paragraph is a soft break, i.e. a space.
            # (The source's hard wraps, pasted into a chat, broke sentences every ~95 characters.)
            data = re.sub(r"\s+", " ", data)
            if self.parts and self.parts[-1].endswith("\n"):
                data = data.lstrip()
        if not data.strip():
            # Whitespace between tags: nothing at a line start or between table cells, else a space.
            if not self.parts or self.parts[-1].endswith("\n") or self.in_row:
                return
            data = " "
        if self.href is not None:
            self.link_text.append(data)
        self.parts.append(data)


def plain_text(fragment: str) -> str:
    """Readable plain text from rendered HTML (the text/plain half of a copied answer)."""
    writer = _TextWriter()
    writer.feed(fragment)
    writer.close()
    text = "".join(writer.parts)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
