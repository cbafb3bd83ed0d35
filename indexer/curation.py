"""Curation on an open Workspace: the ``kb.services`` curation calls, each in one transaction,
with the search index brought in step afterwards. The CLI and the desktop editor both use this,
so neither can save content that search does not find.

Reads (versions, diffs, the stale list, the queue) need no index and are plain session calls;
they are here too so a caller needs only this object.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TypeVar

from sqlalchemy.orm import Session

from kb.records import ItemRecord
from kb.services import curation, file_sync, suggestions, versions
from kb.services.roles import Actor
from kb.services.suggestions import SuggestionRecord

from indexer.engine.results import Hit
from indexer.workspace import Workspace

T = TypeVar("T")


class Curation:
    def __init__(self, ws: Workspace, actor: Actor) -> None:
        self.ws = ws
        self.actor = actor

    # -- plumbing ----------------------------------------------------------------------------------
    def _call(self, fn: Callable[[Session], T]) -> T:
        """One transaction; nothing searchable changes."""
        with self.ws.store.session() as s:
            return fn(s)

    def _write(self, fn: Callable[[Session], T], ids: Callable[[T], Iterable[str]]) -> T:
        """Run ``fn`` in one transaction, then reindex the ids it names.

        A refused or invalid write rolls back before the workspace's pending-index marker is
        set, so it never costs a full index rebuild on the next start; the marker spans only
        the commit and the reindex, where a crash would leave the index behind.
        """
        transaction = self.ws.store.session()
        session = transaction.__enter__()
        try:
            result = fn(session)
        except BaseException:
            transaction.__exit__(*sys.exc_info())  # roll back
            raise
        with self.ws._index_follows():
            transaction.__exit__(None, None, None)  # commit
            self.ws.reindex_ids(ids(result))
        return result

    # -- expert writes -------------------------------------------------------------------------
    def save(self, record: ItemRecord, *, base_version: int | None = None) -> ItemRecord:
        return self._write(lambda s: curation.save_item(s, record, self.actor, base_version=base_version),
                           lambda r: [r.id])  # fmt: skip

    def set_status(self, item_id: str, status: str) -> ItemRecord:
        return self._write(lambda s: curation.set_item_status(s, item_id, status, self.actor), lambda r: [r.id])

    def verify(self, item_id: str, on: date | None = None) -> ItemRecord:
        return self._write(lambda s: curation.verify(s, item_id, self.actor, on), lambda r: [r.id])

    def restore(self, item_id: str, version: int) -> ItemRecord:
        return self._write(lambda s: versions.restore_version(s, item_id, version, self.actor), lambda r: [r.id])

    def answer_gap(self, gap_id: int, record: ItemRecord) -> ItemRecord:
        return self._write(lambda s: curation.answer_gap(s, gap_id, record, self.actor), lambda r: [r.id])

    def accept(self, suggestion_id: int, *, note: str = "", force: bool = False) -> tuple[SuggestionRecord, ItemRecord]:
        return self._write(
            lambda s: suggestions.accept_suggestion(s, suggestion_id, self.actor, note=note, force=force),
            lambda r: [r[1].id],
        )

    def reject(self, suggestion_id: int, *, note: str = "") -> SuggestionRecord:
        return self._call(lambda s: suggestions.reject_suggestion(s, suggestion_id, self.actor, note=note))

    def sync_files(self, root: Path) -> file_sync.SyncReport:
        return self._write(lambda s: file_sync.sync_files(s, Path(root), self.actor), lambda r: r.changed_ids)

    # -- anyone ----------------------------------------------------------------------------------
    def suggest(self, record: ItemRecord, note: str = "") -> SuggestionRecord:
        return self._call(lambda s: suggestions.suggest_edit(s, record, self.actor, note))

    def export_markdown(self, dest: Path, *, include_archived: bool = False) -> file_sync.ExportReport:
        return self._call(lambda s: file_sync.export_folder(s, Path(dest), include_archived=include_archived))

    # -- reads -----------------------------------------------------------------------------------
    def similar(self, text: str, *, limit: int = 5, exclude: str | None = None) -> list[Hit]:
        """Existing items (drafts included) close to ``text``: the editor's duplicate guard."""
        hits = self.ws.search(text[:2000], limit=limit + 1, expert=True).hits
        return [h for h in hits if h.id != exclude][:limit]

    def item(self, item_id: str, version: int | None = None) -> ItemRecord:
        if version is not None:
            return self._call(lambda s: versions.version_record(s, item_id, version))
        record = self.ws.get_item(item_id)
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
