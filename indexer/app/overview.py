"""What the search window's toolbar and status bar show, read in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.services import deals, gaps, items
from kb.services.deals import DealRecord
from kb.stages import Stage

from indexer.app.workspace import Workspace


@dataclass(frozen=True)
class Overview:
    items: int = 0
    deals: list[DealRecord] = field(default_factory=list)
    open_gaps: int = 0
    stages: list[Stage] = field(default_factory=list)


def overview(ws: Workspace) -> Overview:
    def read(s):  # type: ignore[no-untyped-def]
        return Overview(
            items=sum(items.count_items(s).values()),
            # Won deals are in the results loop and lost ones in win-back: reps still take calls on
            # them, so all are listed, open ones first (a stable sort keeps the most recent first).
            deals=sorted(deals.list_deals(s), key=lambda d: d.status != "open"),
            open_gaps=gaps.count_gaps(s),
        )

    ov = ws.read(read)
    return Overview(ov.items, ov.deals, ov.open_gaps, ws.store.stages())
