"""Does ranking by the deal's stage move the answer reps finally chose up the list?

For every answered entry of the demo answer log, search what the rep typed (the logged search text), once with the
stage the deal was in at that moment and once without, and compare the rank of the item the rep
used. Run: ``python benchmarks/stage_boost.py [--home DIR]`` (a temporary demo home by default).
"""

from __future__ import annotations

from indexer.app.content import open_home
from indexer.app import search as app_search
import argparse
import json
import statistics
import tempfile
from pathlib import Path

from indexer.app.workspace import SEED_DEMO, Workspace
from kb.services.answer_log import list_entries

LIMIT = 50


def rank_of(ws: Workspace, question: str, item_id: str, stage: str | None) -> int | None:
    ids = [h.id for h in app_search.search(ws, question, limit=LIMIT, stage=stage).hits]
    return ids.index(item_id) + 1 if item_id in ids else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = open_home(args.home or Path(tmp) / "home", seed=SEED_DEMO)
        with ws.store.session() as s:
            entries = [e for e in list_entries(s) if e.item_ids and e.deal_id and e.stage != "unknown"]
        pairs = [(rank_of(ws, e.search_text, e.item_ids[0], None), rank_of(ws, e.search_text, e.item_ids[0], e.stage))
                 for e in entries]  # fmt: skip
        ws.close()
    found = [(a or LIMIT + 1, b or LIMIT + 1) for a, b in pairs]
    out = {
        "entries": len(found),
        "mrr_without": round(statistics.fmean(1 / a for a, _ in found), 4),
        "mrr_with": round(statistics.fmean(1 / b for _, b in found), 4),
        "top1_without": sum(a == 1 for a, _ in found),
        "top1_with": sum(b == 1 for _, b in found),
        "top3_without": sum(a <= 3 for a, _ in found),
        "top3_with": sum(b <= 3 for _, b in found),
        "moved_up": sum(b < a for a, b in found),
        "moved_down": sum(b > a for a, b in found),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
