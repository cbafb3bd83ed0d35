"""Team sync benchmark: 10,000 new log entries up and 1,000 changed items down, on a real PostgreSQL.

Usage (needs an admin URL of a PostgreSQL server; `.ci/postgres.sh` starts a throwaway one):

    source .ci/postgres.sh
    python benchmarks/sync_bench.py --entries 10000 --items 1000 [--runs 3]

Prints per run and the median: the rep's sync wall time (push 10k entries + pull 1k changed
items) and, inside it, the incremental index update of the changed items. Each run uses a fresh
database and fresh homes. Not a test: timings depend on the (shared) machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.team_server import member_url, throwaway_team  # noqa: E402
from kb.records import ItemRecord  # noqa: E402
from kb.services import answer_log, deals, items  # noqa: E402
from indexer.app import team_sync as app_sync  # noqa: E402
from indexer.app.workspace import SEED_NONE, Workspace  # noqa: E402
from indexer.app.content import open_home  # noqa: E402


def _record(n: int, body: str) -> ItemRecord:
    return ItemRecord(id=f"item-{n}", kind="qa", title=f"Question {n} about feature {n % 97}?", body=body,
                      stages=("decision",))


def one_run(admin: str, n_entries: int, n_items: int) -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp(prefix="ea-sync-bench-"))
    with throwaway_team(admin, {"expert": "expert", "rep": "rep"}, "pw") as (url, members):
        homes = {}
        for name, member in members.items():
            ws = open_home(tmp / name, seed=SEED_NONE)
            app_sync.join(ws, member_url(url, member), member, None, "pw")
            homes[name] = ws
        expert, rep = homes["expert"], homes["rep"]
        with expert.store.session() as s:
            items.save_records(s, [_record(n, "First answer.") for n in range(n_items)])
        app_sync.sync_home(expert)
        with rep.store.session() as s:
            deals.create_deal(s, "Bench deal", stage="decision", deal_id="bench")
        app_sync.sync_home(rep)
        # The expert changes every item; the rep logs n_entries answers offline.
        with expert.store.session() as s:
            items.save_records(s, [_record(n, "Second, better answer.") for n in range(n_items)])
        app_sync.sync_home(expert)
        with rep.store.session() as s:
            for k in range(n_entries):
                answer_log.add_entry(s, f"bench question {k}", deal_id="bench", item_ids=[f"item-{k % n_items}"])
        started = time.perf_counter()
        report, index_s = app_sync.sync_home(rep).value
        wall = time.perf_counter() - started
        assert report.up["log entries"] == n_entries and len(report.changed_item_ids) == n_items, report.up
        # The next automatic sync, with one new entry: what a rep's laptop does every 5 minutes.
        with rep.store.session() as s:
            answer_log.add_entry(s, "one more question", deal_id="bench")
        started = time.perf_counter()
        again, _ = app_sync.sync_home(rep).value
        quiet = time.perf_counter() - started
        assert again.up["log entries"] == 1 and not again.changed_item_ids, again.up
        for ws in homes.values():
            ws.close()
        return {"sync_wall_s": wall, "index_update_s": index_s, "next_sync_s": quiet}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--url", default=os.environ.get("EXPERT_ANSWERS_TEST_PG_URL"),
                        help="admin URL (default: $EXPERT_ANSWERS_TEST_PG_URL)")
    args = parser.parse_args()
    if not args.url:
        parser.error("no PostgreSQL: pass --url or `source .ci/postgres.sh` first")
    runs = [one_run(args.url, args.entries, args.items) for _ in range(args.runs)]
    for n, r in enumerate(runs, 1):
        print(f"run {n}: sync {r['sync_wall_s']:.2f} s, index update {r['index_update_s']:.2f} s, "
              f"next sync (1 new entry) {r['next_sync_s']:.2f} s")
    print(f"median of {len(runs)}: sync {statistics.median(r['sync_wall_s'] for r in runs):.2f} s, "
          f"index update {statistics.median(r['index_update_s'] for r in runs):.2f} s, "
          f"next sync {statistics.median(r['next_sync_s'] for r in runs):.2f} s "
          f"({args.entries} log entries up, {args.items} changed items down)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
