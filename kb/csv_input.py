"""Reading a CSV someone else's tool wrote: any encoding, any field size up to a stated limit, and
every problem named by row and column, in row order.

CRM exports arrive as UTF-8 (with or without a BOM), UTF-16 (Excel's "Unicode text", with or
without a BOM), Windows-1252 or binary junk someone renamed; a quote left open swallows the rows
after it; a NUL byte or a control character hides in a name. Each case used to end in a traceback
or, worse, in silently wrong data.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from kb.errors import LoadError

#: The largest cell read (csv's default of 131,072 characters failed real exports with long notes).
MAX_FIELD_CHARS = 1_000_000
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class NotText(ValueError):
    """The file is not a text CSV (binary data)."""


@dataclass
class CsvText:
    text: str
    encoding: str
    notes: list[LoadError] = field(default_factory=list)


def decode(raw: bytes, source: str) -> CsvText:
    """The file's text: a BOM decides, else UTF-16 told by its zero bytes, else UTF-8, else
    Windows-1252 (said in a note, not an error: the rows still import)."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return _checked(CsvText(raw[len(bom):].decode(encoding, "replace"), encoding), source)
    sample = raw[:4096]
    if len(sample) >= 4:
        odd, even = sample[1::2].count(0), sample[0::2].count(0)
        half = len(sample) // 2
        if odd > 0.3 * half and even < 0.05 * half:
            return _checked(CsvText(raw.decode("utf-16-le", "replace"), "utf-16-le"), source)
        if even > 0.3 * half and odd < 0.05 * half:
            return _checked(CsvText(raw.decode("utf-16-be", "replace"), "utf-16-be"), source)
    try:
        return _checked(CsvText(raw.decode("utf-8"), "utf-8"), source)
    except UnicodeDecodeError:
        pass
    out = CsvText(raw.decode("cp1252", "replace"), "cp1252")
    out.notes.append(LoadError(source, "not UTF-8: read as Windows-1252 (check accented characters)"))
    return _checked(out, source)


def _checked(out: CsvText, source: str) -> CsvText:
    head = out.text[:65536]
    controls = _CONTROL.findall(head)
    if len(controls) > max(8, len(head) // 100):  # a stray NUL in a name is cleaned; this is binary
        first = _CONTROL.search(head)
        raise NotText(f"{source}: not a CSV text file: it holds binary data (from character {first.start() if first else 0:,})")
    return out


def clean(cell: str) -> str:
    """A cell as a name or a stage: control characters (NUL included) out, line breaks as spaces."""
    return " ".join(_CONTROL.sub("", cell).split())


@dataclass
class Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    line: int  # the file's line where the row starts
    cells: list[str]


def rows(text: str, source: str, errors: list[LoadError]) -> tuple[list[str], Iterator[Row]]:
    """The header and the rows; problems (an over-long field, a quote left open) go to ``errors``."""
    csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ValueError(f"{source}: the file is empty") from None
    except csv.Error as exc:
        raise ValueError(f"{source}:1: the header cannot be read ({exc})") from None
    width = len(header)

    def generate() -> Iterator[Row]:
        number, start = 1, reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                detail = str(exc)
                if "field larger than field limit" in detail:
                    detail = f"a cell is longer than {MAX_FIELD_CHARS:,} characters"
                errors.append(LoadError(source, f"row {number}: {detail}; the row was skipped", start))
                start = reader.line_num + 1
                continue
            number += 1
            line, start = start, reader.line_num + 1
            swallowed = _swallowed(cells, width)
            if swallowed is not None:
                errors.append(LoadError(source, f"row {number}: a quote opened in column {header[swallowed]!r} is "
                                        f"never closed, so lines {line + 1}–{reader.line_num} were read into it; "
                                        "fix the quote — the row and those lines were skipped", line,
                                        header[swallowed]))  # fmt: skip
                continue
            yield Row(number, line, cells)

    return header, generate()


def _swallowed(cells: list[str], width: int) -> int | None:
    """The column whose cell holds whole rows of the file (a quote never closed), if any."""
    for n, cell in enumerate(cells):
        if "\n" not in cell:
            continue
        lines = cell.splitlines()[1:]
        if any(len(next(csv.reader([ln]), [])) >= max(2, width - 1) for ln in lines if ln.strip()):
            return n
    return None


def duplicate_columns(header: list[str], source: str) -> list[LoadError]:
    seen: dict[str, int] = {}
    notes = []
    for n, name in enumerate(header, 1):
        key = name.strip().casefold()
        if key and key in seen:
            notes.append(LoadError(source, f"column {name.strip()!r} appears twice (columns {seen[key]} and {n}); "
                                   f"column {seen[key]} is used", 1, name.strip()))  # fmt: skip
        else:
            seen.setdefault(key, n)
    return notes
