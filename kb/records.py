"""Plain, immutable views of stored data.

The indexer, the CLI and the desktop app exchange these rather than ORM objects so that
nothing outside ``kb`` holds a database session open or triggers lazy loads on another thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

KINDS = ("qa", "article")
STATUSES = ("draft", "published", "archived")
DEFAULT_REVIEW_DAYS = 180


@dataclass(frozen=True, slots=True)
class ItemRecord:
    """One content item: a Q&A pair (``title`` is the question) or an expertise article."""

    id: str
    kind: str
    title: str
    body: str
    phrasings: tuple[str, ...] = ()
    area: str = ""
    tags: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    owner: str = ""
    status: str = "published"
    verified_on: date | None = None
    review_days: int = DEFAULT_REVIEW_DAYS
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    source: str = ""
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def review_due(self) -> date | None:
        """The day the item needs a fresh review; ``None`` when it was never verified."""
        if self.verified_on is None:
            return None
        return self.verified_on + timedelta(days=self.review_days)

    def is_stale(self, today: date | None = None) -> bool:
        """Unverified items count as stale: nobody has vouched for them."""
        due = self.review_due()
        return due is None or due < (today or date.today())

    @property
    def question(self) -> str:
        return self.title
