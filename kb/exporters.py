"""Write items out as a CSV answer library or a single-file pack (Markdown folders: ``kb.services.markdown_folder``).

Each format is the exact inverse of its importer, so export → import round-trips every field.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from kb import csv_cells
from kb.content_format import to_markdown
from kb.importers.csv_library import EXPORT_COLUMNS
from kb.importers.pack import PACK_FORMAT
from kb.records import ItemRecord

FORMATS = ("markdown", "csv", "pack")


def relative_path(record: ItemRecord) -> str:
    folder = "qa" if record.kind == "qa" else "articles"
    return f"{folder}/{record.area or 'general'}/{record.id}.md"


def _iso(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def export_csv(records: Iterable[ItemRecord], dest: Path) -> int:
    records = list(records)
    extra_cols: list[str] = []
    for r in records:
        for key in r.extra:
            if key not in extra_cols and key.lower() not in {c.lower() for c in EXPORT_COLUMNS}:
                extra_cols.append(key)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("w", encoding="utf-8", newline="") as fh:
        writer = csv_cells.writer(fh)
        writer.writerow(EXPORT_COLUMNS + extra_cols)
        for r in records:
            row = [
                r.id, r.kind, r.title, r.body, "\n".join(r.phrasings), ", ".join(r.tags), ", ".join(r.stages),
                r.owner, r.area, r.status, _iso(r.verified_on), str(r.review_days), _iso(r.created_at),
                _iso(r.updated_at),
            ]  # fmt: skip
            for key in extra_cols:
                value = r.extra.get(key, "")
                row.append(value if isinstance(value, str) else json.dumps(value))
            writer.writerow(row)
    return len(records)


def export_pack(records: Iterable[ItemRecord], dest: Path, synonyms: Path | None = None) -> int:
    records = list(records)
    dest.parent.mkdir(parents=True, exist_ok=True)
    manifest = {
        "format": PACK_FORMAT,
        "version": 1,
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "items": len(records),
    }
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, indent=2))
        for r in records:
            zf.writestr(f"content/{relative_path(r)}", to_markdown(r))
        if synonyms is not None and synonyms.is_file():
            zf.write(synonyms, "synonyms.txt")
    return len(records)
