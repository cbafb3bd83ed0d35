"""Many laptops at once: N member processes sync concurrently against one PostgreSQL server.

Usage (loopback only; `.ci/postgres.sh` starts a throwaway server):

    source .ci/postgres.sh
    python benchmarks/team_load.py --laptops 50 --entries 200 --experts 5

Each laptop is a real home of its own member (reps, and a few experts): offline it logs
``--entries`` answered questions (every tenth without an answer: a gap), moves its deal's stage
five times and adds a stakeholder; each expert also edits ``--edits`` items. Then every laptop runs
``sync`` in its own process, all started together, and then all again (a no-op round). Checked on
the server afterwards: every log entry, gap, stage move, stakeholder and content edit is there
exactly once, each in its member's name. Prints each round's p50/p95/max sync time (measured
inside each process, around the sync alone) and the whole round's wall time.

Bounded: each process has a timeout, the rounds are two, and everything is removed afterwards
(database and member logins). Not a test: timings depend on the (shared) machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from benchmarks.team_server import member_url, throwaway_team  # noqa: E402
from kb.models import AnswerLogEntry, Gap, ItemVersion, StageEvent, Stakeholder  # noqa: E402
from kb.services import answer_log, deals  # noqa: E402
from indexer.app import team_sync as app_sync  # noqa: E402
from kb.services import items  # noqa: E402
from indexer.app.workspace import SEED_NONE, Workspace  # noqa: E402
from indexer.app import search as app_search  # noqa: E402
from indexer.app import content as app_content  # noqa: E402
from indexer.app.content import open_home  # noqa: E402

PASSWORD = "load-test-pw"
STAGES = ("awareness", "consideration", "awareness", "consideration", "decision")
TIMEOUT_S = 600


def worker(home: str) -> int:
    """One laptop's sync, timed around the sync alone (not the interpreter's start)."""
    ws = open_home(home, seed=SEED_NONE)
    started = time.perf_counter()
    report, _ = app_sync.sync_home(ws).value
    seconds = time.perf_counter() - started
    ws.close()
    print(json.dumps({"seconds": seconds, "up": report.up, "kept_local": report.kept_local}))
    return 0


def prepare(url: str, members: dict[str, str], root: Path, entries: int, edits: int) -> dict[str, int]:
    """Each laptop's offline work; returns what the server must hold afterwards."""
    expected = {"log entries": 0, "gaps": 0, "stage events": 0, "stakeholders": 0, "item versions": 0}
    experts = [k for k in members if k.startswith("expert")]
    first = experts[0] if experts else None
    for key, member in members.items():
        ws = open_home(root / key, seed=SEED_NONE)
        app_sync.join(ws, member_url(url, member), member, None, PASSWORD)
        if key == first:  # the team's content, published before the rush
            app_content.import_content(ws, _items_folder(root, edits * len(experts)))
            app_sync.sync_home(ws)
        ws.close()
    for key, member in members.items():
        ws = open_home(root / key, seed=SEED_NONE)
        app_sync.sync_home(ws)  # everyone holds the content
        with ws.store.session() as s:
            deal = deals.create_deal(s, f"{key} account", stage="awareness", owner=member)
            for stage in STAGES:
                deals.move_stage(s, deal.id, stage)
            deals.add_stakeholder(s, deal.id, "Pat Buyer", "economic-buyer")
            for n in range(entries):
                gap = n % 10 == 9
                answer_log.add_entry(s, f"{member} question {n}", deal_id=deal.id, rep=member,
                                     item_ids=[] if gap else [f"item-{n % 50}"], outcome="no-answer" if gap else "answered")
        expected["log entries"] += entries
        expected["gaps"] += entries // 10
        expected["stage events"] += 1 + len(STAGES)
        expected["stakeholders"] += 1
        if key.startswith("expert"):
            index = experts.index(key)
            for n in range(edits):  # each expert edits its own slice: no conflicts, every edit lands
                item = app_search.get_item(ws, f"item-{index * edits + n}")
                assert item is not None
                edited = replace(item, body=f"Edited by {key}.")
                ws.write(lambda s, edited=edited: items.save_records(s, [edited], saved_by=member))
            expected["item versions"] += edits
        ws.close()
    return expected


def _items_folder(root: Path, n: int) -> Path:
    folder = root / "content"
    folder.mkdir(exist_ok=True)
    for k in range(max(n, 50)):
        (folder / f"item-{k}.md").write_text(
            f"---\nid: item-{k}\nquestion: Question {k} about feature {k % 17}?\nstages: [decision]\n---\n"
            f"Answer {k}.\n", encoding="utf-8")
    return folder


def round_of_syncs(root: Path, keys: list[str]) -> tuple[list[dict], float]:  # type: ignore[type-arg]
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPERT_ANSWERS_SYNC_FAULT")}
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, __file__, "--worker", str(root / k)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for k in keys]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=TIMEOUT_S)
        if p.returncode != 0:
            raise RuntimeError(f"a laptop's sync failed ({p.returncode}): {err.strip()[-2000:]}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results, time.perf_counter() - started


def server_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with Session(engine) as s:
        counts = {what: s.scalar(select(func.count()).select_from(model)) or 0 for what, model in (
            ("log entries", AnswerLogEntry), ("gaps", Gap), ("stage events", StageEvent),
            ("stakeholders", Stakeholder))}
        counts["item versions"] = s.scalar(select(func.count()).select_from(ItemVersion)
                                           .where(ItemVersion.version > 1)) or 0
        counts["misattributed"] = s.scalar(  # each question names the member whose laptop asked it
            select(func.count()).select_from(AnswerLogEntry).where(
                ~AnswerLogEntry.question.startswith(AnswerLogEntry.rep + " question "))) or 0
    engine.dispose()
    return counts


def _stats(results: list[dict]) -> str:  # type: ignore[type-arg]
    times = sorted(r["seconds"] for r in results)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return f"p50 {statistics.median(times):.2f} s, p95 {p95:.2f} s, max {times[-1]:.2f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--laptops", type=int, default=50)
    parser.add_argument("--experts", type=int, default=5, help="how many of the laptops are experts'")
    parser.add_argument("--entries", type=int, default=200, help="log entries per laptop")
    parser.add_argument("--edits", type=int, default=20, help="content edits per expert")
    parser.add_argument("--url", default=os.environ.get("EXPERT_ANSWERS_TEST_PG_URL"),
                        help="admin URL (default: $EXPERT_ANSWERS_TEST_PG_URL)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker)
    if not args.url:
        parser.error("no PostgreSQL: pass --url or `source .ci/postgres.sh` first")
    roles = {f"expert{n}": "expert" for n in range(args.experts)}
    roles |= {f"rep{n}": "rep" for n in range(args.laptops - args.experts)}
    root = Path(tempfile.mkdtemp(prefix="ea-team-load-"))
    with throwaway_team(args.url, roles, PASSWORD) as (url, members):
        started = time.perf_counter()
        expected = prepare(url, members, root, args.entries, args.edits)
        print(f"prepared {len(members)} laptops in {time.perf_counter() - started:.0f} s")
        first, wall1 = round_of_syncs(root, list(members))
        after_first = server_counts(url)
        again, wall2 = round_of_syncs(root, list(members))
        after_second = server_counts(url)
        print(f"round 1 ({len(members)} syncs at once, {args.entries} entries each): {_stats(first)}; "
              f"wall {wall1:.1f} s")
        print(f"round 2 (nothing new, all at once): {_stats(again)}; wall {wall2:.1f} s")
        print("on the server, expected → found (after round 1, after round 2):")
        for what, n in expected.items():
            print(f"  {what}: {n} → {after_first[what]}, {after_second[what]}")
        print(f"  log entries not in the name of the member whose laptop logged them: {after_second['misattributed']}")
        ok = all(after_first[w] == after_second[w] == n for w, n in expected.items())
        ok = ok and after_second["misattributed"] == 0
        print("nothing lost, nothing doubled" if ok else "MISMATCH")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
