"""What a converted document is made of, before it becomes items: sections, RFP rows, thread pairs."""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.errors import ContentError


class DocumentError(ContentError):
    """One file cannot be imported (corrupt, encrypted, too big, a zip bomb…); the message says why.

    ``where`` names the page, slide, sheet row or message when the problem is inside the file."""

    def __init__(self, message: str, *, where: str = "", line: int | None = None, field: str | None = None) -> None:
        super().__init__(f"{where}: {message}" if where else message, line=line, field=field)


@dataclass(frozen=True, slots=True)
class Section:
    """A part of a document a rep can read on its own: one heading's text, one slide, or one page."""

    heading: str
    text: str  # Markdown
    location: str  # "page 3", "pages 3-4", "slide 2", "sheet Pricing", "" for the whole file
    key: str = ""  # stable part of the item id (the heading or the page/slide number)


@dataclass(frozen=True, slots=True)
class QARow:
    """One question and answer from an RFP answer library."""

    question: str
    answer: str
    tags: tuple[str, ...]
    location: str  # "sheet Security, row 7"


@dataclass(frozen=True, slots=True)
class ThreadPair:
    """A customer's question and the rep's reply from an email thread, already scrubbed."""

    question: str
    answer: str
    subject: str
    location: str  # "message 2 of 3"
    message_id: str
    date: str = ""


@dataclass
class Converted:
    """Everything one file yielded; ``notes`` are problems that did not stop the file."""

    title: str
    kind: str  # pdf, docx, pptx, xlsx, html, email, rfp
    sections: list[Section] = field(default_factory=list)
    rows: list[QARow] = field(default_factory=list)
    pairs: list[ThreadPair] = field(default_factory=list)
    pages: int = 0  # pages, slides, sheets or messages read
    notes: list[str] = field(default_factory=list)

    def empty(self) -> bool:
        return not (self.sections or self.rows or self.pairs)
