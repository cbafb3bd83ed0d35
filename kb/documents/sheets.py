"""Spreadsheets: RFP answer libraries (question and answer columns) and plain sheets.

The header row is found among a sheet's first rows by its names, whatever the team called them
("Requirement" / "Vendor response" / "Category"…). When the names are not recognised, a mapping
file ``rfp_columns.toml`` beside the spreadsheet names them once::

    question = "Req. text"
    answer = "Our reply"
    category = "Chapter"      # optional; its value becomes the item's tags

openpyxl (MIT) reads cell values only, as last saved: formulas are not recalculated, macros and
external links are never loaded. A sheet with no question/answer header is imported as an article
holding the sheet as a table.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kb.documents.model import Converted, DocumentError, QARow, Section
from kb.documents.safety import check_office_zip
from kb.documents.text import md_table, one_line, tidy, title_from_name

MAPPING_FILE = "rfp_columns.toml"
HEADER_SCAN_ROWS = 15
MAX_TABLE_ROWS = 500
QUESTION_NAMES = {"question", "questions", "requirement", "requirements", "query", "rfp question", "question text",
                  "customer question", "security question", "control question"}  # fmt: skip
ANSWER_NAMES = {"answer", "answers", "response", "responses", "vendor response", "our response", "reply",
                "answer text", "supplier response", "vendor answer", "proposed answer"}  # fmt: skip
CATEGORY_NAMES = {"category", "categories", "section", "topic", "area", "domain", "group", "subject", "theme",
                  "product area", "control family", "tags", "tag"}  # fmt: skip


def _norm(name: object) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(name or "").lower()).strip()


@dataclass(frozen=True)
class Columns:
    question: int
    answer: int
    categories: tuple[int, ...]
    header_row: int  # 1-based


def read_mapping(folder: Path) -> dict[str, str] | None:
    path = folder / MAPPING_FILE
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DocumentError(f"{path}: not valid TOML ({exc})") from None
    if not isinstance(data.get("question"), str) or not isinstance(data.get("answer"), str):
        raise DocumentError(f'{path}: needs question = "<header>" and answer = "<header>"')
    return {k: str(v) for k, v in data.items() if k in ("question", "answer", "category")}


def find_columns(rows: Sequence[Sequence[object]], mapping: dict[str, str] | None) -> Columns | None:
    """The header row and the question/answer/category columns, from ``mapping`` or by name."""
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        names = [_norm(c) for c in row]
        if mapping:
            want = {k: _norm(v) for k, v in mapping.items()}
            if want["question"] in names and want["answer"] in names:
                cats = tuple(i for i, n in enumerate(names) if want.get("category") and n == want["category"])
                return Columns(names.index(want["question"]), names.index(want["answer"]), cats, r + 1)
            continue
        q = next((i for i, n in enumerate(names) if n in QUESTION_NAMES or n.endswith(" question")), None)
        a = next((i for i, n in enumerate(names)
                  if i != q and (n in ANSWER_NAMES or n.endswith((" response", " answer")))), None)  # fmt: skip
        if q is not None and a is not None:
            cats = tuple(i for i, n in enumerate(names) if n in CATEGORY_NAMES and i not in (q, a))
            return Columns(q, a, cats, r + 1)
    return None


def _cell(row: Sequence[object], i: int) -> str:
    value = row[i] if i < len(row) else None
    return tidy("" if value is None else str(value))


def rfp_rows(
    rows: Sequence[Sequence[object]], cols: Columns, where: str, sheet_tag: str = ""
) -> tuple[list[QARow], list[str]]:
    out: list[QARow] = []
    notes: list[str] = []
    for n, row in enumerate(rows[cols.header_row:], start=cols.header_row + 1):
        question, answer = _cell(row, cols.question), _cell(row, cols.answer)
        if not question and not answer:
            continue
        loc = f"{where}row {n}"
        if not question:
            notes.append(f"{loc}: answer without a question; skipped")
            continue
        if not answer:
            notes.append(f"{loc}: question {one_line(question)[:60]!r} has no answer yet; skipped")
            continue
        tags: list[str] = []
        for c in cols.categories:
            tags += [t.strip() for t in re.split(r"[;,/\n]", _cell(row, c)) if t.strip()]
        if sheet_tag and not cols.categories:
            tags.append(sheet_tag)
        out.append(QARow(question, answer, tuple(dict.fromkeys(tags)), loc))
    return out, notes


def _headers(rows: Sequence[Sequence[object]]) -> str:
    first = next((r for r in rows[:HEADER_SCAN_ROWS] if any(c not in (None, "") for c in r)), [])
    return ", ".join(repr(one_line(str(c))) for c in first if c not in (None, "")) or "none"


def convert_xlsx(path: Path) -> Converted:
    check_office_zip(path, "xlsx")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises InvalidFileException, KeyError, lxml errors
        raise DocumentError(f"not a readable .xlsx file ({type(exc).__name__}: {one_line(str(exc))[:160]})") from None
    mapping = read_mapping(path.parent)
    title = one_line(wb.properties.title or "") if wb.properties else ""
    out = Converted(title=title or title_from_name(path.stem), kind="xlsx")
    try:
        for ws in wb.worksheets:
            out.pages += 1
            rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
            where = f"sheet {ws.title!r}, "
            cols = find_columns(rows, mapping)
            if cols is not None:
                found, notes = rfp_rows(rows, cols, where, ws.title)
                out.rows += found
                out.notes += notes
                continue
            table = md_table(rows[:MAX_TABLE_ROWS])
            if table:
                more = f"\n\n({len(rows) - MAX_TABLE_ROWS:,} more rows not shown)" if len(rows) > MAX_TABLE_ROWS else ""
                out.sections.append(Section(ws.title, table + more, f"sheet {ws.title}", key=f"sheet-{ws.title}"))
    finally:
        wb.close()
    if out.rows:
        out.kind = "rfp"
    return out


def is_native_library(header: Iterable[str]) -> bool:
    """A CSV in our own library format (``kb export --format csv``): the plain CSV importer reads it."""
    names = {_norm(h) for h in header}
    return {"question", "answer"} <= names and not names & CATEGORY_NAMES - {"area", "tags", "product area"}


def csv_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        return next(csv.reader(fh), [])


def convert_rfp_csv(path: Path) -> Converted:
    from kb.importers.csv_library import decode_text

    text, note = decode_text(path.read_bytes(), str(path))
    rows = [tuple(r) for r in csv.reader(io.StringIO(text, newline=""))]
    cols = find_columns(rows, read_mapping(path.parent))
    if cols is None:
        raise DocumentError(
            f"no question and answer columns found (headers: {_headers(rows)}); name them in "
            f"{MAPPING_FILE} beside the file: question = \"…\", answer = \"…\"", line=1, field="header"
        )
    out = Converted(title=title_from_name(path.stem), kind="rfp", pages=1)
    out.rows, out.notes = rfp_rows(rows, cols, "")
    if note:
        out.notes.append(note.message)
    return out
