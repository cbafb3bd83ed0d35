"""CSV answer libraries, the shape RFP teams keep in spreadsheets.

Columns (case-insensitive): Question, Answer, Alternate questions, Tags, Stages, Owner; our own
export adds ID, Kind, Area, Status, Verified on, Review days, Created, Updated. Any other column
is kept in the item's ``extra`` and written back on export.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable
from pathlib import Path

from kb import csv_cells
from kb.content_format import record_from_fields, slugify
from kb.errors import ContentError, LoadError
from kb.loader import LoadResult

MAX_CSV_BYTES = 100_000_000
MAX_FIELD_CHARS = 1_000_000

COLUMN_TO_FIELD = {
    "id": "id",
    "kind": "kind",
    "question": "question",
    "answer": "body",
    "alternate questions": "phrasings",
    "tags": "tags",
    "stages": "stages",
    "owner": "owner",
    "area": "area",
    "product area": "area",
    "status": "status",
    "verified on": "verified_on",
    "review days": "review_days",
    "created": "created",
    "updated": "updated",
}
EXPORT_COLUMNS = [
    "ID", "Kind", "Question", "Answer", "Alternate questions", "Tags", "Stages", "Owner",
    "Area", "Status", "Verified on", "Review days", "Created", "Updated",
]  # fmt: skip


def stable_csv_id(question: str) -> str:
    """Same question, same id: re-importing a spreadsheet updates items instead of duplicating."""
    digest = hashlib.sha1(question.strip().lower().encode("utf-8")).hexdigest()[:8]
    return f"csv-{slugify(question, 48)}-{digest}"


def _extra_value(cell: str) -> object:
    """Our CSV export writes structured extra values as JSON; read them back as such."""
    if cell[:1] in "[{":
        try:
            return json.loads(cell)
        except json.JSONDecodeError:
            pass
    return cell


def decode_text(raw: bytes, source: str) -> tuple[str, LoadError | None]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        note = None
        if encoding != "utf-8-sig":
            note = LoadError(source, "file is not UTF-8; read it as Windows-1252 (check accented characters)")
        return text, note
    return raw.decode("latin-1"), LoadError(source, "file is not UTF-8; read it as Latin-1")


def load_csv(path: Path, stage_keys: Iterable[str]) -> LoadResult:
    stage_keys = tuple(stage_keys)
    result = LoadResult(files=1)
    source = str(path)
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        result.errors.append(LoadError(source, f"CSV is {size:,} bytes; the limit is {MAX_CSV_BYTES:,}"))
        return result
    text, note = decode_text(path.read_bytes(), source)
    if note:
        result.errors.append(note)
    csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        result.errors.append(LoadError(source, "empty CSV file", 1))
        return result
    except csv.Error as exc:
        result.errors.append(LoadError(source, f"unreadable header: {exc}", 1))
        return result
    names = [h.strip() for h in header]
    lowered = [n.lower() for n in names]
    if "question" not in lowered or "answer" not in lowered:
        result.errors.append(LoadError(source, "missing column 'Question' or 'Answer' in the header", 1, "header"))
        return result
    seen: dict[str, int] = {}
    row_no = 1  # spreadsheet row numbers: the header is row 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row_no += 1
            result.errors.append(LoadError(source, f"row {row_no}: {exc}", reader.line_num))
            continue
        row_no += 1
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(names):
            result.errors.append(
                LoadError(source, f"row {row_no}: {len(row)} cells but {len(names)} columns; extra cells ignored", line)
            )
        meta: dict[str, object] = {}
        body = ""
        for name, key, cell in zip(names, lowered, (csv_cells.restore(c) for c in row)):
            target = COLUMN_TO_FIELD.get(key)
            if target == "body":
                body = cell
            elif target:
                meta[target] = cell
            elif name and cell.strip():
                meta[name] = _extra_value(cell)
        cell_text = str(meta.get("phrasings") or "")
        if "\n" not in cell_text and ";" in cell_text:  # one-line cells list phrasings with ';'
            meta["phrasings"] = cell_text.replace(";", "\n")
        question = str(meta.get("question") or "")
        if str(meta.get("kind", "")).strip().lower() == "article":
            meta["title"] = meta.pop("question", "")
        try:
            if not question.strip() and not meta.get("id"):
                raise ContentError("missing question", field="Question")
            if not body.strip():
                raise ContentError("empty Answer", field="Answer")
            record = record_from_fields(
                meta, body, stage_keys=stage_keys, default_id=stable_csv_id(question) if question else "", source=source
            )
        except ContentError as exc:
            result.errors.append(LoadError(source, f"row {row_no}: {exc}", line, exc.field))
            continue
        if record.id in seen:
            result.errors.append(
                LoadError(source, f"row {row_no}: duplicate id {record.id!r} (row {seen[record.id]})", line, "ID")
            )
            continue
        seen[record.id] = row_no
        result.records.append(record)
    return result
