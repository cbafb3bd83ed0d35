"""A home opened for use: the database (source of truth) and the search index kept in step.

The use cases in ``indexer.app`` are the only callers of :meth:`Workspace.transaction` and
:meth:`Workspace.write`: every write that changes what search should find goes through here, so
no front end can forget to update the index. Built once per process and passed to whoever needs it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy.orm import Session

from kb.paths import Home
from kb.progress import ProgressFn, no_progress
from kb.records import ItemRecord
from kb.services import items
from kb.store import Store

from indexer.app.changes import Changes, Done
from indexer.app.unit_of_work import Recorder, guard_read, touched
from indexer.engine.search_index import SearchIndex

SEED_NONE, SEED_CONTENT, SEED_DEMO = "none", "content", "demo"
T = TypeVar("T")
#: How windows reach the workspace: None while the first-launch import is still running.
WorkspaceGetter = Callable[[], "Workspace | None"]


class Workspace:
    def __init__(self, store: Store, index: SearchIndex) -> None:
        self.store = store
        self.index = index
        self.home = store.home
        self._write_lock = threading.Lock()  # one index writer at a time within the process
        self.notices: list[str] = [index.vectors.damaged] if index.vectors.damaged else []

    @classmethod
    def open(
        cls,
        home: Home | str | Path | None = None,
        *,
        progress: ProgressFn = no_progress,
        first_run: Callable[["Workspace"], object] | None = None,
    ) -> "Workspace":
        """Open (creating if needed) a home; an empty one is handed to ``first_run`` (the content
        use cases fill it: :func:`indexer.app.content.open_home`). A ``Cancelled`` from ``progress``
        closes what was opened and leaves the home so that the next open finishes the job: an empty
        store imports again, and an index left behind the database is rebuilt (its marker stays)."""
        home = home if isinstance(home, Home) else Home.resolve(home)
        home.ensure()
        store = Store(home)
        ws = cls(store, SearchIndex(home.index_dir, home.synonyms_path))
        try:
            if first_run is not None and store.is_empty():
                first_run(ws)
            else:
                ws.ensure_index(progress)
        except BaseException:
            ws.close()
            raise
        return ws

    # -- the two entries: one read, one write ----------------------------------------------------
    def read(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn`` in a session that cannot write: a flush of any change raises
        :class:`~indexer.app.unit_of_work.ReadOnlyError`, and the session is rolled back at the end."""
        with self.store.unbegun_session() as session:
            guard_read(session)
            return fn(session)

    def write(
        self,
        fn: Callable[[Session], T],
        *,
        bulk: bool = False,
        unchanged_on: tuple[type[BaseException], ...] = (),
        progress: ProgressFn = no_progress,
        initiator: object = None,
    ) -> Done[T]:
        """The one write entry: run ``fn`` in one transaction, record the rows it touched, reindex
        the items among them, and return ``fn``'s value with the :class:`Changes` it made.

        A refused or invalid write rolls back before the pending-index marker is set, so it never
        costs a full index rebuild on the next start; the marker spans only the commit and the
        reindex, where a crash would leave the index behind the database. ``bulk``: ``fn`` commits
        by itself (Core-level writes on the engine, a team sync), names what it touched with
        :func:`~indexer.app.unit_of_work.touch`, and the marker spans it too; exceptions in
        ``unchanged_on`` are known to leave the database untouched (a server that went away).
        """
        with self.store.unbegun_session() as session:
            recorder = Recorder(session)
            try:
                if bulk:
                    with self._index_follows(unchanged_on):
                        result = fn(session)
                        session.flush()
                        changes = touched(session).by(initiator)
                        session.commit()
                        self._reindex_touched(changes, progress)
                    return Done(result, changes)
                result = fn(session)
                session.flush()
                changes = touched(session).by(initiator)
                if not changes.items:
                    session.commit()
                    return Done(result, changes)
                with self._index_follows():
                    session.commit()
                    self._reindex_touched(changes, progress)
                return Done(result, changes)
            finally:
                recorder.close()

    def _reindex_touched(self, changes: Changes, progress: ProgressFn) -> None:
        if not changes.items:
            return
        if self.index.needs_rebuild():
            self.rebuild_index(progress)
            return
        total = len(changes.items)
        progress(0, total, "Indexing")
        self.reindex_ids(sorted(changes.items))
        progress(total, total, "Indexed")

    # -- index upkeep ---------------------------------------------------------------------------
    def ensure_index(self, progress: ProgressFn = no_progress) -> str | None:
        """Rebuild from the database when the index is missing, corrupt, of an older schema, or
        when a previous run was killed between committing to the database and updating the index."""
        reason = self.index.needs_rebuild()
        abandoned = self.home.abandoned_markers()
        if reason is None and abandoned:
            reason = "an earlier run stopped before the index caught up with the database"
        if reason is None:
            with self.store.session() as s:
                expected = sum(items.count_items(s).values())
            if expected != self.index.doc_count():
                reason = f"index holds {self.index.doc_count()} items, the database {expected}"
        if reason:
            self.notices.append(f"Rebuilt the search index ({reason}).")
            self.rebuild_index(progress)
        return reason

    def rebuild_index(self, progress: ProgressFn = no_progress) -> int:
        with self._write_lock, self.store.session() as s:
            total = sum(items.count_items(s).values())
            n = self.index.rebuild(items.iter_records(s), total=total, progress=progress)
        for marker in self.home.abandoned_markers():
            marker.unlink(missing_ok=True)
        return n

    @contextmanager
    def _index_follows(self, unchanged_on: tuple[type[BaseException], ...] = ()) -> Iterator[None]:
        """Mark the home while a database write has not reached the index yet.

        If the process dies in between (SIGKILL, power loss), the marker survives and the next
        open rebuilds the index from the database, which stays the source of truth. Exceptions in
        ``unchanged_on`` are known to leave the database untouched (a sync whose server went
        away), so they need no rebuild.
        """
        marker = self.home.pending_marker(os.getpid())
        lock = self.home.hold_marker(os.getpid())
        try:
            yield  # on another exception the marker stays: the next start rebuilds rather than trusts
        except unchanged_on:
            marker.unlink(missing_ok=True)
            raise
        else:
            marker.unlink(missing_ok=True)
        finally:
            lock.release()

    def _reindex(self, records: Iterable[ItemRecord]) -> None:
        records = list(records)
        if records:
            with self._write_lock:
                self.index.upsert(records)

    def reindex_ids(self, ids: Iterable[str]) -> None:
        """Bring these items' index entries in step with the database (after a write made elsewhere)."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return
        found: dict[str, ItemRecord] = {}
        with self.store.session() as s:
            for start in range(0, len(ids), 1000):  # within every database's limit on bound parameters
                found.update(items.get_items(s, ids[start:start + 1000]))
        self._reindex(found.values())
        gone = [i for i in ids if i not in found]
        if gone:
            with self._write_lock:
                self.index.delete(gone)

    def close(self) -> None:
        self.index.close()
        self.store.close()

