"""``kb import PATH``: recognise what PATH is, load it, and upsert what loaded.

Everything that loaded is saved even when other files were bad; the report names each problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import LoadError
from kb.importers.beir import is_beir_dir, load_beir
from kb.importers.csv_library import load_csv
from kb.importers.pack import is_pack, load_pack
from kb.progress import ProgressFn, no_progress
from kb.loader import LoadResult, load_files, load_folder
from kb.records import ItemRecord
from kb.services.items import save_records
from kb.store import Store


@dataclass
class ImportReport:
    source: str
    kind: str
    files: int = 0
    loaded: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[LoadError] = field(default_factory=list)
    changed: list[ItemRecord] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source, "kind": self.kind, "files": self.files, "loaded": self.loaded,
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "skipped": len(self.errors), "errors": [str(e) for e in self.errors],
        }  # fmt: skip


def detect(path: Path) -> str:
    if path.is_dir():
        return "beir" if is_beir_dir(path) else "folder"
    if path.suffix.lower() == ".csv":
        return "csv"
    if is_pack(path):
        return "pack"
    if path.suffix.lower() == ".md":
        return "file"
    raise ValueError(f"{path}: not a content folder, .csv answer library, BEIR folder, .zip pack or a document "
                     "(.pdf, .docx, .pptx, .xlsx, .html, .eml, .mbox)")


def load_source(path: Path, stage_keys: list[str], progress: ProgressFn = no_progress) -> tuple[str, LoadResult]:
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    kind = detect(path)
    if kind == "beir":
        return kind, load_beir(path)
    if kind == "folder":
        return kind, load_folder(path, stage_keys, progress)
    if kind == "csv":
        return kind, load_csv(path, stage_keys)
    if kind == "pack":
        return kind, load_pack(path, stage_keys)
    return kind, load_files([path], path.parent, stage_keys)


def import_path(
    store: Store, path: Path, *, saved_by: str = "import", progress: ProgressFn = no_progress
) -> ImportReport:
    """All or nothing in the database: a :class:`~kb.progress.Cancelled` raised by ``progress``
    while reading or saving leaves the store as it was."""
    kind, loaded = load_source(path, store.stage_keys(), progress)
    report = ImportReport(str(path), kind, files=loaded.files, loaded=len(loaded.records), errors=loaded.errors)
    with store.session() as s:
        summary = save_records(s, loaded.records, saved_by=saved_by, progress=progress)
    report.created, report.updated, report.unchanged = summary.created, summary.updated, summary.unchanged
    report.changed = summary.changed
    return report
