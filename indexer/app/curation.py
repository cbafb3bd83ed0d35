"""Curation use cases: the ``kb.services`` curation calls, each in one transaction, with the search
index brought in step afterwards. ``kb item …``/``kb suggestion …``/``kb gap …`` and the desktop
editor, history and queues all call this object, so neither can save content that search does not
find, and a rule (a new item never overwrites an old one; reps suggest, experts save) holds in both.

Writes return :class:`~indexer.app.changes.Done` so the app can tell every open window what changed.
Reads (versions, diffs, the stale list, the queue) need no index; they are here too so a caller
needs only this object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from sqlalchemy.orm import Session

from kb.content_format import to_markdown
from kb.errors import ContentError
from kb.loader import load_files
from kb.records import ItemRecord
from kb.services import curation, markdown_folder, gaps, suggestions, versions
from kb.services.curation import StaleItem
from kb.services.gaps import GapRecord
from kb.services.roles import Actor
from kb.services.suggestions import SUGGESTION_STATUSES, SuggestionRecord
from kb.stages import Stage

from indexer.app.changes import Done
from indexer.app.search import get_item, search
from indexer.app.workspace import Workspace
from indexer.engine.results import Hit

__all__ = ["SUGGESTION_STATUSES", "Curation", "ItemRecord", "StaleItem", "SuggestionRecord", "to_markdown"]
T = TypeVar("T")
SIMILAR_LIMIT = 6


@dataclass(frozen=True)
class EditorData:
    """What the editor needs before it can show: the item (None: new) and the store's stages."""

    record: ItemRecord | None
    stages: list[Stage]
    gap_id: int | None = None


@dataclass(frozen=True)
class QueueData:
    """Everything the Curation window lists, read in one go."""

    stale: list[StaleItem] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    suggestions: list[SuggestionRecord] = field(default_factory=list)
    gaps: list[GapRecord] = field(default_factory=list)


class Curation:
    def __init__(self, ws: Workspace, actor: Actor) -> None:
        self.ws = ws
        self.actor = actor

    # -- plumbing ----------------------------------------------------------------------------------
    def _call(self, fn: Callable[[Session], T]) -> T:
        """A read: its session cannot write."""
        return self.ws.read(fn)

    def _write(self, fn: Callable[[Session], T]) -> Done[T]:
        """A write: the workspace records what it touched, reindexes it and says what changed."""
        return self.ws.write(fn)

    # -- the one rule: experts save, reps suggest ----------------------------------------------
    def submit(
        self, record: ItemRecord, *, base_version: int | None = None, new: bool = False, gap_id: int | None = None
    ) -> Done[ItemRecord] | Done[SuggestionRecord]:
        """What the editor's Save does, decided here for every front end: an expert's save is a new
        version (closing ``gap_id`` when it answers one); a rep's is a suggestion to the experts."""
        if not self.actor.is_expert:
            return self.suggest(record)
        if gap_id is not None:
            return self.answer_gap(gap_id, record)
        return self.save(record, base_version=base_version, new=new)

    # -- expert writes -------------------------------------------------------------------------
    def save(self, record: ItemRecord, *, base_version: int | None = None, new: bool = False) -> Done[ItemRecord]:
        """An expert save: a new version, searchable at once. ``new``: refuse an id already in use,
        so creating an item never overwrites an old one."""

        def save(s: Session) -> ItemRecord:
            if new and curation.item_exists(s, record.id):
                raise ContentError(f"an item with id {record.id!r} already exists; pick another id", field="id")
            return curation.save_item(s, record, self.actor, base_version=base_version)

        return self._write(save)

    def set_status(self, item_id: str, status: str) -> Done[ItemRecord]:
        return self._write(lambda s: curation.set_item_status(s, item_id, status, self.actor))

    def verify(self, item_id: str, on: date | None = None) -> Done[ItemRecord]:
        return self._write(lambda s: curation.verify(s, item_id, self.actor, on))

    def restore(self, item_id: str, version: int) -> Done[ItemRecord]:
        return self._write(lambda s: versions.restore_version(s, item_id, version, self.actor))

    def answer_gap(self, gap_id: int, record: ItemRecord) -> Done[ItemRecord]:
        return self._write(lambda s: curation.answer_gap(s, gap_id, record, self.actor))

    def accept(
        self, suggestion_id: int, *, note: str = "", force: bool = False
    ) -> Done[tuple[SuggestionRecord, ItemRecord]]:
        return self._write(
            lambda s: suggestions.accept_suggestion(s, suggestion_id, self.actor, note=note, force=force))

    def reject(self, suggestion_id: int, *, note: str = "") -> Done[SuggestionRecord]:
        return self._write(lambda s: suggestions.reject_suggestion(s, suggestion_id, self.actor, note=note))

    def sync_files(self, root: Path) -> Done[markdown_folder.SyncReport]:
        return self._write(lambda s: markdown_folder.sync_files(s, Path(root), self.actor))

    # -- anyone ----------------------------------------------------------------------------------
    def suggest(self, record: ItemRecord, note: str = "") -> Done[SuggestionRecord]:
        return self._write(lambda s: suggestions.suggest_edit(s, record, self.actor, note))

    # -- reads -----------------------------------------------------------------------------------
    def similar(self, text: str, *, limit: int = SIMILAR_LIMIT, exclude: str | None = None) -> list[Hit]:
        """Existing items (drafts included) close to ``text``: the editor's duplicate guard."""
        if not text.strip():
            return []
        hits = search(self.ws, text, limit=limit + 1, expert=True).hits
        return [h for h in hits if h.id != exclude][:limit]

    def item(self, item_id: str, version: int | None = None) -> ItemRecord:
        if version is not None:
            return self._call(lambda s: versions.version_record(s, item_id, version))
        record = get_item(self.ws, item_id)
        if record is None:
            raise KeyError(f"no item {item_id!r}")
        return record

    def history(self, item_id: str) -> list[versions.VersionInfo]:
        return self._call(lambda s: versions.list_versions(s, item_id))

    def diff(self, item_id: str, a: int, b: int | None = None) -> str:
        return self._call(lambda s: versions.diff_versions(s, item_id, a, b))

    def stale(self, owner: str | None = None, *, today: date | None = None) -> list[curation.StaleItem]:
        return self._call(lambda s: curation.stale_list(s, owner, today=today))

    def gap_draft(self, gap_id: int) -> ItemRecord:
        return self._call(lambda s: curation.answer_gap_draft(s, gap_id))

    def queue(self, status: str | None = "open", item_id: str | None = None) -> list[SuggestionRecord]:
        return self._call(lambda s: suggestions.list_suggestions(s, status=status, item_id=item_id))

    def suggestion(self, suggestion_id: int) -> SuggestionRecord:
        return self._call(lambda s: suggestions.get_suggestion(s, suggestion_id))

    def suggestion_diff(self, suggestion_id: int) -> str:
        return self._call(lambda s: suggestions.suggestion_diff(s, suggestion_id))

    def load_file(self, path: Path) -> ItemRecord:
        """One item from a Markdown file, checked as an import would check it (file, line, field)."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file")
        loaded = load_files([path], path.parent, self.ws.store.stage_keys())
        if loaded.errors:
            raise ValueError(str(loaded.errors[0]))
        return loaded.records[0]

    def editor_data(self, item_id: str | None = None, gap_id: int | None = None) -> EditorData:
        """The item to edit (``item_id``), a draft answering a gap (``gap_id``), or a blank new item."""
        record = None
        if item_id:
            record = self.item(item_id)
        elif gap_id is not None:
            record = self.gap_draft(gap_id)
        return EditorData(record, self.ws.store.stages(), gap_id)

    def queues(self, owner: str | None = None, today: date | None = None) -> QueueData:
        everything = self.stale(None, today=today)
        owners = sorted({s.record.owner for s in everything if s.record.owner}, key=str.casefold)
        stale = everything if not owner else self.stale(owner, today=today)
        open_gaps = self._call(lambda s: gaps.list_gaps(s, status="open"))
        return QueueData(stale, owners, self.queue("open"), open_gaps)
