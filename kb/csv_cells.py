"""Every CSV the project writes goes through here: no cell a spreadsheet would run as a formula.

OWASP's CSV-injection guidance: a cell starting with ``= + - @`` (or a tab or carriage return) is
prefixed with an apostrophe, and every cell is quoted, so a separator inside a cell (a ``;``
payload for a spreadsheet set to semicolons) cannot start a new cell. Buyers' questions and
answers are free text from outside: ``=HYPERLINK(...)`` or ``Pricing?;=cmd|...`` reach exports.

The prefix is reversible: :func:`restore` drops exactly the apostrophe :func:`neutralise` added
(a cell that already began with an apostrophe before such a character gets one more), so an
export → import round trip keeps every field as it was.
"""

from __future__ import annotations

import csv
from typing import IO, Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _needs_prefix(text: str) -> bool:
    return text.startswith(FORMULA_START) or (text[:1] == "'" and (text[1:].startswith(FORMULA_START)
                                                                   or text[1:2] == "'"))


def neutralise(text: str) -> str:
    return "'" + text if _needs_prefix(text) else text


def restore(text: str) -> str:
    """The cell as it was before :func:`neutralise` (for the importers of our own exports)."""
    return text[1:] if text[:1] == "'" and _needs_prefix(text[1:]) else text


def writer(fh: IO[str]) -> Any:
    """A csv writer that quotes every cell; pass cells through :func:`neutralise` (``writerow``)."""
    return _SafeWriter(csv.writer(fh, quoting=csv.QUOTE_ALL))


class _SafeWriter:
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def writerow(self, row: list[Any]) -> None:
        self._inner.writerow([neutralise(c) if isinstance(c, str) else c for c in row])
