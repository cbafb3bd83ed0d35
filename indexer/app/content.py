"""The knowledge base as a whole: import, export, counts, the demo data, the index and backups.

``kb import|export|stats|demo|reindex|backup|restore`` and the app's first run, Content menu and
daily backup call these. Markdown export has one path (:func:`kb.services.file_sync.export_folder`),
which remembers what it wrote so a later folder sync never mistakes it for an edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb import backup as backups
from kb.demo import DemoReport
from kb.exporters import FORMATS, export_csv, export_pack
from kb.importing import ImportReport
from kb.paths import Home
from kb.progress import ProgressFn, no_progress
from kb.services import file_sync

from sqlalchemy.orm import Session

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
    not_overwritten: tuple[file_sync.ExportEntry, ...] = ()


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
    return Workspace.open(home, seed=seed, progress=progress, content=content)


def import_content(ws: Workspace, path: Path, progress: ProgressFn = no_progress) -> Done[ImportReport]:
    return ws.import_path(Path(path), progress)


def export_content(ws: Workspace, dest: Path, fmt: str = "markdown", *, include_archived: bool = False) -> ExportResult:
    """Markdown records sync state and never overwrites file edits the app lacks; csv and pack
    write every item."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    dest = Path(dest)
    if fmt == "markdown":
        # a write: it remembers what it wrote (nothing a screen shows)
        report = ws.write(lambda s: file_sync.export_folder(s, dest, include_archived=include_archived)).value
        return ExportResult(fmt, dest, report.items, report.skipped)
    records = ws.records(include_archived=include_archived)
    if fmt == "csv":
        return ExportResult(fmt, dest, export_csv(records, dest if dest.suffix else dest / "answers.csv"))
    target = dest if dest.suffix else dest.with_suffix(".zip")
    return ExportResult(fmt, dest, export_pack(records, target, ws.home.synonyms_path))


def stats(ws: Workspace) -> dict[str, object]:
    return ws.stats()


def load_demo(ws: Workspace, progress: ProgressFn = no_progress) -> Done[DemoReport]:
    return ws.load_demo(progress)


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
    ws = Workspace.open(home, seed=SEED_NONE)
    try:
        ws.rebuild_index()
        return safety, ws.stats()
    finally:
        ws.close()
