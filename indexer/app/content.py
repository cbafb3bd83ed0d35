"""The knowledge base as a whole: import, export, counts, the demo data, the index and backups.

``kb import|export|stats|demo|reindex|backup|restore`` and the app's first run, Content menu and
daily backup call these. Markdown export has one path (:func:`kb.services.markdown_folder.export_folder`),
which remembers what it wrote so a later folder sync never mistakes it for an edit.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from kb import backup as backups
from kb.demo import DemoReport, seed_demo
from kb.exporters import FORMATS, export_csv, export_pack
from kb.importing import ImportReport
from kb.paths import BUNDLED_CONTENT, Home
from kb.records import ItemRecord
from kb.progress import ProgressFn, no_progress
from kb.services import answer_log, deals, markdown_folder, gaps, items

from sqlalchemy.orm import Session

from indexer.app import documents
from indexer.app.records_import import import_records
from indexer.app.changes import EVERYTHING, Done
from indexer.app.unit_of_work import touch
from indexer.app.workspace import SEED_CONTENT, SEED_DEMO, SEED_NONE, Workspace

__all__ = ["FORMATS", "Home", "SEED_CONTENT", "SEED_DEMO", "SEED_NONE", "BackupError", "BackupInfo", "ExportResult"]
BackupError = backups.BackupError
BackupInfo = backups.BackupInfo


@dataclass(frozen=True)
class ExportResult:
    format: str
    dest: Path
    items: int
    not_overwritten: tuple[markdown_folder.ExportEntry, ...] = ()


def open_home(
    home: Home | str | Path | None,
    *,
    seed: str = SEED_CONTENT,
    progress: ProgressFn = no_progress,
    content: Path | None = None,
) -> Workspace:
    """Open (creating if needed) a home; first use imports ``content`` (default: the bundled demo
    content, and for the app the demo deals), all through ``progress`` so the caller can show it
    and cancel it (:func:`kb.progress.cancellable`)."""
    home = home if isinstance(home, Home) else Home.resolve(home)
    home.ensure()
    bundled_synonyms = BUNDLED_CONTENT / "synonyms.txt"
    if seed != SEED_NONE and not home.synonyms_path.exists() and bundled_synonyms.exists():
        shutil.copyfile(bundled_synonyms, home.synonyms_path)

    def first_run(ws: Workspace) -> None:
        report = import_content(ws, content or BUNDLED_CONTENT, progress).value
        if seed == SEED_DEMO:
            load_demo(ws, progress)
        what = "the bundled demo content" if content is None else str(content)
        ws.notices.append(f"Imported {report.loaded} items from {what}.")

    return Workspace.open(home, progress=progress, first_run=None if seed == SEED_NONE else first_run)


def import_content(ws: Workspace, path: Path, progress: ProgressFn = no_progress) -> Done[ImportReport]:
    """All or nothing: a ``Cancelled`` from ``progress`` while reading or saving changes nothing;
    one during indexing leaves the marker, so the next open rebuilds from the database.

    Documents (PDF, Office, HTML, email, RFP libraries, or a folder holding them) go to
    :mod:`indexer.app.documents`; Markdown, our CSV, packs and BEIR folders are imported here."""
    path = Path(path)
    if documents.wants(path):
        return documents.import_documents(ws, path, progress)  # type: ignore[return-value]
    return import_records(ws, path, progress)


def records(ws: Workspace, *, include_archived: bool = True) -> list[ItemRecord]:
    return ws.read(lambda s: items.all_records(s, include_archived=include_archived))


def export_content(ws: Workspace, dest: Path, fmt: str = "markdown", *, include_archived: bool = False) -> ExportResult:
    """Markdown records sync state and never overwrites file edits the app lacks; csv and pack
    write every item."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    dest = Path(dest)
    if fmt == "markdown":
        # a write: it remembers what it wrote (nothing a screen shows)
        report = ws.write(lambda s: markdown_folder.export_folder(s, dest, include_archived=include_archived)).value
        return ExportResult(fmt, dest, report.items, report.skipped)
    every = records(ws, include_archived=include_archived)
    if fmt == "csv":
        return ExportResult(fmt, dest, export_csv(every, dest if dest.suffix else dest / "answers.csv"))
    target = dest if dest.suffix else dest.with_suffix(".zip")
    return ExportResult(fmt, dest, export_pack(every, target, ws.home.synonyms_path))


def stats(ws: Workspace) -> dict[str, object]:
    def read(s: Session) -> dict[str, object]:
        counts = items.count_items(s)
        return {
            "articles": counts.get("article", 0),
            "qa": counts.get("qa", 0),
            "stages": ws.store.stage_keys(),
            "deals": deals.count_deals(s),
            "log_entries": answer_log.count_entries(s),
            "gaps": gaps.count_gaps(s),
            "stale": len(items.stale_records(s)),
            "indexed": ws.index.doc_count(),
            "home": str(ws.home.root),
        }

    return ws.read(read)


def load_demo(ws: Workspace, progress: ProgressFn = no_progress) -> Done[DemoReport]:
    progress(0, 0, "Loading demo deals and answer log")

    def seed(s: Session) -> DemoReport:
        touch(s, EVERYTHING)  # deals, their histories and a whole answer log: every screen reloads
        return seed_demo(ws.store)

    return ws.write(seed, bulk=True)


def rebuild_index(ws: Workspace, progress: ProgressFn = no_progress) -> Done[int]:
    def rebuild(s: Session) -> int:
        touch(s, EVERYTHING)  # nothing in the database changed, but every search result may have
        return ws.rebuild_index(progress)

    return ws.write(rebuild, bulk=True)


# -- backups ----------------------------------------------------------------------------------------
def backup(home: Home, dest: Path | None = None) -> BackupInfo:
    return backups.backup(home, dest)


def list_backups(home: Home) -> list[BackupInfo]:
    return backups.list_backups(home)


def daily_backup(home: Home) -> BackupInfo | None:
    """Once a day, a consistent copy of the database (the newest seven are kept)."""
    return backups.daily_backup(home)


def restore_backup(home: Home, path: Path) -> tuple[BackupInfo, dict[str, object]]:
    """Replace the database with a verified backup (the replaced one is kept), then rebuild the index
    from it. Returns the safety copy and the restored home's counts."""
    safety = backups.restore(home, Path(path))
    ws = Workspace.open(home)
    try:
        ws.rebuild_index()
        return safety, stats(ws)
    finally:
        ws.close()
