"""A laptop joining a large team: how long its first sync takes, and whether it can search by
meaning at its end (the team's vectors come with it; nothing is embedded on the laptop).

Usage (loopback only; `.ci/postgres.sh` starts a throwaway server):

    source .ci/postgres.sh
    python benchmarks/team_join.py --items 50000

An expert's laptop publishes ``--items`` Q&A items with their vectors (stand-in vectors of the real
size, 384 float32: the model's speed is not what is measured here), then a new rep laptop joins
and syncs. Prints the expert's push, the rep's first sync (and the index update inside it), and
whether the rep's meaning index is ready. Removes its database and logins afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.team_server import member_url, throwaway_team  # noqa: E402
from kb.records import ItemRecord  # noqa: E402
from kb.services import items  # noqa: E402
from indexer.app import semantic  # noqa: E402
from indexer.app import team_sync as app_sync  # noqa: E402
from indexer.app.workspace import SEED_NONE, Workspace  # noqa: E402
from indexer.app.content import open_home  # noqa: E402
from indexer.engine.vectors import DIM  # noqa: E402


def _stand_in(texts: list[str]) -> np.ndarray:
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for n, text in enumerate(texts):
        out[n, hash(text) % DIM] = 1.0
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--url", default=os.environ.get("EXPERT_ANSWERS_TEST_PG_URL"),
                        help="admin URL (default: $EXPERT_ANSWERS_TEST_PG_URL)")
    args = parser.parse_args()
    if not args.url:
        parser.error("no PostgreSQL: pass --url or `source .ci/postgres.sh` first")
    tmp = Path(tempfile.mkdtemp(prefix="ea-team-join-"))
    with throwaway_team(args.url, {"expert": "expert", "rep": "rep"}, "pw") as (url, members):
        expert = open_home(tmp / "expert", seed=SEED_NONE)
        app_sync.join(expert, member_url(url, members["expert"]), members["expert"], None, "pw")
        with expert.store.session() as s:
            items.save_records(s, [ItemRecord(id=f"i{n}", kind="qa", title=f"Question {n} about feature {n % 977}?",
                                              body=f"Answer {n}: " + "words " * 40) for n in range(args.items)])
        expert.rebuild_index()
        semantic.reconcile(expert)
        expert.index.vectors.embed_pending(_stand_in)
        started = time.perf_counter()
        up = app_sync.sync_home(expert).value[0].up
        print(f"expert publishes {up['content edits']:,} items and {up['vectors']:,} vectors: "
              f"{time.perf_counter() - started:.1f} s")
        expert.close()
        rep = open_home(tmp / "rep", seed=SEED_NONE)
        app_sync.join(rep, member_url(url, members["rep"]), members["rep"], None, "pw")
        started = time.perf_counter()
        report, index_s = app_sync.sync_home(rep).value
        print(f"new rep laptop's first sync: {time.perf_counter() - started:.1f} s (index update {index_s:.1f} s); "
              f"{report.down['items']:,} items, {report.down['vectors']:,} vectors; "
              f"search by meaning ready: {rep.index.vectors.ready}")
        ok = rep.index.vectors.ready
        rep.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
