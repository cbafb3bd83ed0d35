"""Small text helpers shared by the converters: tidy whitespace, Markdown tables, group by headings."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from kb.documents.model import Section

_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANKS = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def tidy(text: str) -> str:
    """Collapse runs of spaces and blank lines; drop control characters PDFs and Office leave behind."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def one_line(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


def md_cell(value: object) -> str:
    return one_line("" if value is None else str(value)).replace("|", "\\|")


def md_table(rows: Sequence[Sequence[object]]) -> str:
    """Rows (the first is the header) as a Markdown table; empty rows dropped."""
    rows = [[md_cell(c) for c in r] for r in rows if any(md_cell(c) for c in r)]
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(out)


def by_headings(blocks: Iterable[tuple[int, str]], intro: str, location: str = "") -> list[Section]:
    """``(level, text)`` blocks — level > 0 is a heading — grouped into one section per heading.

    Text before the first heading becomes a section named ``intro``. Headings with no text under
    them are folded into the next section's heading path ("Security › Encryption")."""
    sections: list[Section] = []
    heading, parts, pending = intro, [], []  # pending: empty headings waiting for text
    seen: dict[str, int] = {}

    def close() -> None:
        body = tidy("\n\n".join(parts))
        if body:
            name = " › ".join(pending + [heading]) if pending else heading
            key = name.lower()
            seen[key] = seen.get(key, 0) + 1
            suffix = f" {seen[key]}" if seen[key] > 1 else ""
            sections.append(Section(name, body, location or f"section “{name}”", key=name + suffix))

    for level, text in blocks:
        if level > 0:
            if parts:
                close()
                pending = []
            elif heading != intro:
                pending.append(heading)
            heading, parts = one_line(text)[:200] or intro, []
        elif text.strip():
            parts.append(text)
    if parts:
        close()
    return sections


def title_from_name(stem: str) -> str:
    """A file name as a title when the document names none: "rfp-library_2026" → "Rfp library 2026"."""
    words = one_line(re.sub(r"[_-]+", " ", stem))
    return words[:1].upper() + words[1:] if words.islower() else words or stem
