"""The knowledge base of one home: database engine, sessions and the configured journey stages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kb.db import open_database
from kb.models import AnswerLogEntry, Deal, Item, JourneyStage, SyncState
from kb.paths import Home
from kb.stages import Stage, load_stage_config


class Store:
    """Owns the engine; hands out short transactions. Built once per process and passed in."""

    def __init__(self, home: Home, url: str | None = None) -> None:
        self.home = home.ensure()
        self.url = url or home.db_url()
        self.engine, self._sessions = open_database(self.url)
        self._sync_stages(load_stage_config(home.stages_path))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error (nothing half-written)."""
        with self._sessions.begin() as session:
            yield session

    def unbegun_session(self) -> Session:
        """A session whose caller decides when to commit; closing it rolls back what was not."""
        return self._sessions()

    def _sync_stages(self, stages: tuple[Stage, ...]) -> None:
        with self.session() as s:
            existing = {st.key: st for st in s.scalars(select(JourneyStage))}
            for pos, stage in enumerate(stages):
                row = existing.get(stage.key)
                if row is None:
                    s.add(JourneyStage(key=stage.key, label=stage.label, description=stage.description, position=pos))
                else:
                    row.label, row.description, row.position = stage.label, stage.description, pos
            # Stages dropped from the config stay in the table (old log entries name them), ordered last.
            for n, key in enumerate(k for k in existing if k not in {st.key for st in stages}):
                existing[key].position = len(stages) + n

    def stages(self) -> list[Stage]:
        with self.session() as s:
            rows = s.scalars(select(JourneyStage).order_by(JourneyStage.position))
            return [Stage(r.key, r.label, r.description) for r in rows]

    def stage_keys(self) -> list[str]:
        return [s.key for s in self.stages()]

    def is_empty(self) -> bool:
        """Nothing to show yet, so a first start may fill it from the bundled demo. A home that
        joined a team is never empty: its content is the team's, even before the first sync (and
        when joining removed the demo, it must not come back)."""
        with self.session() as s:
            for model in (Item, Deal, AnswerLogEntry, SyncState):
                if s.scalar(select(func.count()).select_from(model)):
                    return False
        return True

    def close(self) -> None:
        self.engine.dispose()
