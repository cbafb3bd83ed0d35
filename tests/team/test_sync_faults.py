"""A `kb sync` killed at any point, or a server that goes away mid-sync: the rerun converges, nothing lost or doubled."""

from __future__ import annotations

from indexer.app import search as app_search
from tests.items import save_item
from indexer.app.content import open_home
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kb.models import AnswerLogEntry, AnswerLogItem, Gap
from kb.services import answer_log, deals
from kb.team import server
from kb.team.sync import FAULT_ENV, server_engine
from indexer.app import team_sync as app_sync
from indexer.app.workspace import Workspace
from tests.team.helpers import join_home, qa

REPO = Path(__file__).resolve().parents[2]


def kb_sync(home: Path, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EXPERT_ANSWERS_HOME": str(home)}
    env.pop(FAULT_ENV, None)
    if fault:
        env[FAULT_ENV] = fault
    return subprocess.run([sys.executable, "-m", "indexer.cli", "sync"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def server_counts(url: str) -> tuple[int, int, int]:
    engine = server_engine(url)
    with Session(engine) as s:
        counts = tuple(s.scalar(select(func.count()).select_from(m)) or 0 for m in (AnswerLogEntry, AnswerLogItem, Gap))
    engine.dispose()
    return counts  # type: ignore[return-value]


def test_sync_killed_at_every_point_converges(pg_url: str, tmp_path: Path) -> None:
    server.init(pg_url)
    expert, _ = join_home(tmp_path, pg_url, "expert", "expert")
    for n in range(5):
        save_item(expert, qa(f"item-{n}", f"Question number {n} about pricing?", "Per seat."))
    app_sync.sync_home(expert)
    rep, name = join_home(tmp_path, pg_url, "rep", "rep")
    with rep.store.session() as s:
        deals.create_deal(s, "Globex", stage="decision", deal_id="globex")
    rep.close()

    logged = 0
    for point in ("before_push", "before_commit", "after_commit", "during_pull"):
        rep = open_home(tmp_path / "rep", seed="none")
        with rep.store.session() as s:
            answer_log.add_entry(s, f"asked before {point}", deal_id="globex", item_ids=["item-1"], rep=name)
            answer_log.add_entry(s, f"unanswered before {point}", deal_id="globex", rep=name)
        rep.close()
        logged += 2
        result = kb_sync(tmp_path / "rep", point)
        assert result.returncode == -signal.SIGKILL, result.stderr
    assert kb_sync(tmp_path / "rep").returncode == 0
    assert kb_sync(tmp_path / "rep").returncode == 0  # twice: the second is a no-op

    assert server_counts(pg_url) == (logged, logged // 2, logged // 2)
    rep = open_home(tmp_path / "rep", seed="none")
    assert [h.id for h in app_search.search(rep, "pricing question number 3").hits][:1] == ["item-3"]
    rep.close()
    expert.close()


def test_server_stopped_mid_sync_then_rerun_converges(pg_url: str, tmp_path: Path) -> None:
    """A dedicated PostgreSQL cluster, stopped while the rep's sync holds its transaction open."""
    pg_bin, run = os.environ.get("EXPERT_ANSWERS_TEST_PG_BIN"), os.environ.get("EXPERT_ANSWERS_TEST_PG_RUN", "")
    data = os.environ.get("EXPERT_ANSWERS_TEST_PG_DATA")
    if not (pg_bin and data):
        pytest.skip("needs the cluster started by .ci/postgres.sh (EXPERT_ANSWERS_TEST_PG_BIN/DATA)")
    server.init(pg_url)
    rep, name = join_home(tmp_path, pg_url, "rep", "rep")
    with rep.store.session() as s:
        deals.create_deal(s, "Initech", stage="decision", deal_id="initech")
        for n in range(3):
            answer_log.add_entry(s, f"question {n}", deal_id="initech", rep=name)
    rep.close()
    pg_ctl = [*run.split(), f"{pg_bin}/pg_ctl", "-D", data, "-w"]
    # The child pauses (SIGSTOP) before its commit; we stop the server under it, then let it go on.
    proc = subprocess.Popen([sys.executable, "-m", "indexer.cli", "sync"], cwd=REPO, text=True,
                            env={**os.environ, "EXPERT_ANSWERS_HOME": str(tmp_path / "rep"), FAULT_ENV: "pause:before_commit"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_stopped(proc.pid)
        subprocess.run([*pg_ctl, "-m", "fast", "stop"], check=True, capture_output=True)
        os.kill(proc.pid, signal.SIGCONT)
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 2 and "unreachable" in err
    finally:
        subprocess.run([*pg_ctl, "-l", str(Path(data).parent / "log"), "start"], check=True, capture_output=True)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
    assert server_counts(pg_url) == (0, 0, 0)  # the half-done transaction never landed
    assert kb_sync(tmp_path / "rep").returncode == 0
    assert kb_sync(tmp_path / "rep").returncode == 0
    assert server_counts(pg_url) == (3, 0, 3)


def _wait_stopped(pid: int) -> None:
    import time

    for _ in range(600):
        with open(f"/proc/{pid}/stat") as fh:
            if fh.read().split(") ", 1)[1].startswith("T"):
                return
        time.sleep(0.1)
    raise AssertionError("sync child never reached its pause point")


def test_stakeholders_stage_moves_and_decisions_killed_at_every_point_converge(pg_url: str, tmp_path: Path) -> None:
    """The records that used to stay on the laptop: a SIGKILL anywhere, then a rerun, and each is
    on the server once, and every laptop shows the same decision."""
    from indexer.app import journey

    server.init(pg_url)
    rep, name = join_home(tmp_path, pg_url, "rep", "rep")
    expert, expert_name = join_home(tmp_path, pg_url, "expert", "expert")
    points = ("before_push", "before_commit", "after_commit", "during_pull")
    with rep.store.session() as s:
        deal = deals.create_deal(s, "Globex", stage="awareness")
        for n in range(len(points)):
            answer_log.add_entry(s, f"unanswered {n}", deal_id=deal.id, rep=name)
    rep.close()
    for n, point in enumerate(points):
        rep = open_home(tmp_path / "rep", seed="none")
        with rep.store.session() as s:
            deals.add_stakeholder(s, deal.id, f"Person {n}", "champion")
            deals.move_stage(s, deal.id, ("consideration", "awareness")[n % 2])
        rep.close()
        assert kb_sync(tmp_path / "rep", point).returncode == -signal.SIGKILL
    assert kb_sync(tmp_path / "rep").returncode == 0

    app_sync.sync_home(expert)
    gap_ids = sorted(expert.read(lambda s: s.scalars(select(Gap.id)).all()))
    assert len(gap_ids) == len(points)
    expert.close()
    for gap_id, point in zip(gap_ids, points):
        expert = open_home(tmp_path / "expert", seed="none")
        journey.dismiss_gaps(expert, [gap_id])
        expert.close()
        assert kb_sync(tmp_path / "expert", point).returncode == -signal.SIGKILL
    assert kb_sync(tmp_path / "expert").returncode == 0
    assert kb_sync(tmp_path / "rep").returncode == 0

    engine = server_engine(pg_url)
    with Session(engine) as s:
        from kb.models import StageEvent, Stakeholder

        assert s.scalar(select(func.count()).select_from(Stakeholder)) == len(points)
        assert s.scalar(select(func.count()).select_from(StageEvent)) == 1 + len(points)
        assert sorted(s.execute(select(Gap.status, Gap.decided_by, Gap.by)).all()) == [
            ("dismissed", expert_name, name)] * len(points)
    engine.dispose()
    rep = open_home(tmp_path / "rep", seed="none")
    assert rep.read(lambda s: sorted(s.execute(select(Gap.status, Gap.decided_by)).all())) == [
        ("dismissed", expert_name)] * len(points)
    assert app_sync.status(rep).pending_up["stakeholders"] == 0
    rep.close()
