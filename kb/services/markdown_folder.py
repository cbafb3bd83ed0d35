"""Content as files: sync a ``content/``-style Markdown folder with the database, both ways.

Per folder and item, ``file_sync`` remembers the hash of the file as last read or written and
the item version at that moment. With that:

``sync_files`` (folder → app), per file:
  * new id → created;  same content as the app → unchanged (the sync state is refreshed);
  * file unchanged since the last sync but the app moved on → *behind* (export writes it back);
  * file changed and the app did not → updated from the file;
  * both changed, different fields (say the app verified, the file reworded the answer) →
    *merged*: each side's change is kept;
  * both changed the same field → *conflict*. The app's version stays as it is and the file is
    not touched; the file's version is queued as a Suggestion for an expert to accept (the file
    wins) or reject (the app wins; the next export writes the app's version to the file).
    Both versions are kept, nothing is overwritten, and the folder is not littered.
  Without a sync record (a folder never synced), the app counts as edited when any version was
  saved other than by a bulk ``kb import``; a file equal to an older version is *behind*.

``export_folder`` (app → folder) writes every item, to the file that already holds its id when
there is one, and never overwrites a file whose content the database does not hold somewhere
(current content, an old version, or a decided suggestion): such a file is skipped and named.
Archived items whose file is in the folder are written (as archived) so the folder does not revive
them. Files removed from the folder are reported as *missing*; their items are kept.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kb.content_format import parse_markdown, slugify, to_markdown
from kb.errors import ContentError
from kb.exporters import relative_path
from kb.loader import load_folder
from kb.models import FileSync, Item, ItemVersion, utcnow
from kb.records import ItemRecord
from kb.services.curation import stage_keys
from kb.services.items import all_records, content_snapshot, save_one, to_record
from kb.services.roles import Actor, require_expert
from kb.services.suggestions import find_same, suggest_edit
from kb.services.versions import record_from_snapshot, with_content

IMPORT_BY = "import"  # saved_by of a bulk ``kb import`` (kb.importing.import_path)
CHANGED = ("created", "updated", "merged")


@dataclass(frozen=True, slots=True)
class SyncEntry:
    item_id: str
    path: str  # relative to the folder
    action: str  # created | updated | merged | unchanged | behind | conflict | missing
    detail: str = ""
    suggestion_id: int | None = None


@dataclass(frozen=True, slots=True)
class SyncReport:
    root: str
    entries: tuple[SyncEntry, ...]
    errors: tuple[str, ...]

    def count(self, action: str) -> int:
        return sum(e.action == action for e in self.entries)

    @property
    def changed_ids(self) -> tuple[str, ...]:
        return tuple(e.item_id for e in self.entries if e.action in CHANGED)

    @property
    def conflicts(self) -> tuple[SyncEntry, ...]:
        return tuple(e for e in self.entries if e.action == "conflict")

    @property
    def ok(self) -> bool:
        return not self.errors and not self.conflicts


@dataclass(frozen=True, slots=True)
class ExportEntry:
    item_id: str
    path: str
    action: str  # written | unchanged | skipped
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ExportReport:
    dest: str
    entries: tuple[ExportEntry, ...]

    @property
    def written(self) -> int:
        return sum(e.action == "written" for e in self.entries)

    @property
    def items(self) -> int:
        return sum(e.action != "skipped" for e in self.entries)

    @property
    def skipped(self) -> tuple[ExportEntry, ...]:
        return tuple(e for e in self.entries if e.action == "skipped")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _root_key(root: Path) -> str:
    return root.resolve().as_posix()


def _rel(root: Path, path: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()


def _remember(session: Session, root: Path, item_id: str, rel: str, file_hash: str, version: int) -> None:
    state = session.get(FileSync, (_root_key(root), item_id))
    if state is None:
        state = FileSync(root=_root_key(root), item_id=item_id)
        session.add(state)
    state.path, state.synced_hash, state.synced_version, state.synced_at = rel, file_hash, version, utcnow()


def _snapshot_at(session: Session, item_id: str, version: int) -> dict[str, object] | None:
    row = session.scalar(select(ItemVersion).where(ItemVersion.item_id == item_id, ItemVersion.version == version))
    return dict(row.snapshot) if row else None


def _old_version_with(session: Session, item_id: str, snapshot: dict[str, object]) -> int | None:
    for row in session.scalars(select(ItemVersion).where(ItemVersion.item_id == item_id)):
        if row.snapshot == snapshot:
            return row.version
    return None


def _merge(base: dict[str, object], app: dict[str, object], file: dict[str, object]) -> dict[str, object] | None:
    """Three-way merge by field; ``None`` when both sides changed a field differently."""
    merged = dict(app)
    for key, value in file.items():
        if value == base.get(key) or value == app.get(key):
            continue
        if app.get(key) != base.get(key):
            return None
        merged[key] = value
    return merged


def _save(session: Session, record: ItemRecord, actor: Actor) -> ItemRecord:
    return save_one(session, record, saved_by=f"{actor.name} (file sync)"[:120])


def _sync_one(session: Session, root: Path, record: ItemRecord, data: bytes, actor: Actor) -> SyncEntry:
    path = Path(record.source)
    rel, file_hash = _rel(root, path), digest(data)
    item = session.get(Item, record.id)
    if item is None:
        saved = _save(session, record, actor)
        _remember(session, root, saved.id, rel, file_hash, saved.version)
        return SyncEntry(record.id, rel, "created")
    current = to_record(item)
    file_snap, app_snap = content_snapshot(record), content_snapshot(current)
    if file_snap == app_snap:
        _remember(session, root, item.id, rel, file_hash, item.version)
        return SyncEntry(item.id, rel, "unchanged")
    state = session.get(FileSync, (_root_key(root), item.id))
    export_hint = "`kb export --format markdown` writes the app's version to the file"
    if state is not None and state.synced_hash == file_hash:
        return SyncEntry(item.id, rel, "behind", f"the app has newer edits (v{item.version}); {export_hint}")
    base: dict[str, object] | None = None
    if state is None:
        old = _old_version_with(session, item.id, file_snap)
        if old is not None:
            detail = f"the file holds v{old}, the app has v{item.version}; {export_hint}"
            return SyncEntry(item.id, rel, "behind", detail)
        savers = session.scalars(select(ItemVersion.saved_by).where(ItemVersion.item_id == item.id))
        app_edited = any(by != IMPORT_BY for by in savers)
        since = "it was never synced with this folder"
    else:
        app_edited = item.version > state.synced_version
        base = _snapshot_at(session, item.id, state.synced_version)
        since = f"the last sync (v{state.synced_version})"
    if not app_edited:
        saved = _save(session, with_content(current, record), actor)
        _remember(session, root, item.id, rel, file_hash, saved.version)
        return SyncEntry(item.id, rel, "updated", f"v{item.version} → v{saved.version}")
    merged = _merge(base, app_snap, file_snap) if base is not None else None
    if merged is not None:
        fields = sorted(k for k in merged if merged[k] != app_snap.get(k))
        saved = _save(session, with_content(current, record_from_snapshot(item.id, merged)), actor)
        _remember(session, root, item.id, rel, file_hash, saved.version)
        return SyncEntry(item.id, rel, "merged", f"took {', '.join(fields)} from the file; kept the app's other edits")
    why = f"the file and the app (v{item.version}) both changed since {since}"
    same = find_same(session, record)
    if same is not None and same.status == "rejected":
        return SyncEntry(item.id, rel, "conflict", f"{why}; this file version was rejected as suggestion "
                         f"#{same.id}, so the app's version stands: {export_hint}", same.id)  # fmt: skip
    if same is not None:
        return SyncEntry(item.id, rel, "conflict", f"{why}; the file's version waits as suggestion #{same.id}", same.id)
    sug = suggest_edit(session, record, actor, note=f"Conflicting edit in {rel}: {why}. The app's version was kept.")
    return SyncEntry(item.id, rel, "conflict", f"{why}; the app's version was kept and the file's version "
                     f"queued as suggestion #{sug.id}", sug.id)  # fmt: skip


def sync_files(session: Session, root: Path, actor: Actor) -> SyncReport:
    """Import what changed in a content folder without overwriting edits made in the app."""
    require_expert(actor, "sync content files")
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such folder")
    loaded = load_folder(root, stage_keys(session))
    entries: list[SyncEntry] = []
    errors = [str(e) for e in loaded.errors]
    for record in loaded.records:
        try:
            data = Path(record.source).read_bytes()
        except OSError as exc:
            errors.append(f"{record.source}: cannot read: {exc.strerror}")
            continue
        entries.append(_sync_one(session, root, record, data, actor))
    seen = {e.item_id for e in entries}
    for state in session.scalars(select(FileSync).where(FileSync.root == _root_key(root)).order_by(FileSync.path)):
        if state.item_id not in seen and not (root / state.path).exists():
            entries.append(SyncEntry(state.item_id, state.path, "missing",
                                     "the file is gone; the item was kept (archive it in the app if meant)"))
    session.flush()
    return SyncReport(str(root), tuple(entries), tuple(errors))


def _files_by_id(session: Session, dest: Path) -> dict[str, Path]:
    if not dest.is_dir():
        return {}
    return {r.id: Path(r.source) for r in load_folder(dest, stage_keys(session)).records}


def _unsaved_edits(session: Session, record: ItemRecord, path: Path, data: bytes) -> str | None:
    """Why the existing file must not be overwritten, or ``None`` when the database holds its content."""
    try:
        on_disk = parse_markdown(data.decode("utf-8"), source=str(path), stage_keys=stage_keys(session),
                                 default_id=slugify(path.stem, 200))  # fmt: skip
    except (ContentError, UnicodeDecodeError) as exc:
        return f"the file cannot be read as content ({exc}); not overwritten"
    if on_disk.id != record.id:
        return f"the file holds another item ({on_disk.id!r}); not overwritten"
    snap = content_snapshot(on_disk)
    if snap == content_snapshot(record) or _old_version_with(session, record.id, snap) is not None:
        return None
    same = find_same(session, on_disk, statuses=("open", "accepted", "rejected"))
    if same is None:
        return "the file has edits the app does not have; run `kb sync-files` first"
    if same.status == "open":
        return f"the file's version waits as suggestion #{same.id}; accept or reject it first"
    return None


def export_folder(session: Session, dest: Path, *, include_archived: bool = False) -> ExportReport:
    """Write items as Markdown into ``dest`` and record the sync state for each file written.

    Archived items are left out unless asked for, except where the folder already has their
    file: that file is updated to say "archived", or a later import would bring the item back.
    """
    dest = Path(dest)
    located = _files_by_id(session, dest)
    entries: list[ExportEntry] = []
    for record in all_records(session, include_archived=True):
        if record.status == "archived" and not include_archived and record.id not in located:
            continue
        path = located.get(record.id) or dest / relative_path(record)
        rel = _rel(dest, path) if path.exists() else relative_path(record)
        data = to_markdown(record).encode("utf-8")
        state = session.get(FileSync, (_root_key(dest), record.id))
        if path.exists():
            existing = path.read_bytes()
            if existing == data:
                _remember(session, dest, record.id, rel, digest(data), record.version)
                entries.append(ExportEntry(record.id, rel, "unchanged"))
                continue
            if state is None or state.synced_hash != digest(existing):
                reason = _unsaved_edits(session, record, path, existing)
                if reason:
                    entries.append(ExportEntry(record.id, rel, "skipped", reason))
                    continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        _remember(session, dest, record.id, _rel(dest, path), digest(data), record.version)
        entries.append(ExportEntry(record.id, _rel(dest, path), "written"))
    session.flush()
    return ExportReport(str(dest), tuple(entries))
