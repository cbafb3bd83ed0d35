"""Demo deals, stage histories and an answer log, so every screen has data in the first minute.

Deals come from ``content/demo/deals.yaml``. The log is generated, deterministically, from the
items that suit each stage a deal passed through, using the prospect-style phrasings experts
wrote — so it always matches the bundled content, and re-running it gives the same data.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kb.errors import LoadError
from kb.loader import content_files, load_folder
from kb.models import AnswerLogEntry, Deal, Gap, Item, JourneyStage
from kb.paths import BUNDLED_CONTENT
from kb.records import ItemRecord
from kb.services.answer_log import add_entry
from kb.services.deals import add_stakeholder, create_deal, move_stage, set_status
from kb.services.items import all_records
from kb.store import Store

DEMO_DIR = BUNDLED_CONTENT / "demo"
OUTCOME_WEIGHTS = (("answered", 0.82), ("partial", 0.12), ("no-answer", 0.06))


@dataclass
class DemoReport:
    deals: int = 0
    log_entries: int = 0
    gaps: int = 0
    errors: list[LoadError] = field(default_factory=list)


def _as_datetime(value: object, hour: int) -> datetime:
    if isinstance(value, datetime):
        return value
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return datetime.combine(day, time(hour, 0))


def _unanswered(demo_dir: Path) -> list[str]:
    path = demo_dir / "unanswered.txt"
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def _business_hours(at: datetime, rng: random.Random) -> datetime:
    """Calls happen in the working day: keep the day, pick a time between 08:30 and 17:30."""
    minutes = rng.randint(8 * 60 + 30, 17 * 60 + 30)
    return at.replace(hour=minutes // 60, minute=minutes % 60, second=rng.randint(0, 59), microsecond=0)


def _questions_for(item: ItemRecord) -> list[str]:
    return list(item.phrasings) or [item.title]


def seed_demo(store: Store, demo_dir: Path = DEMO_DIR, *, seed: int = 7, now: datetime | None = None) -> DemoReport:
    """Load demo deals and generate their answer log; deals already present are left alone."""
    report = DemoReport()
    path = demo_dir / "deals.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        report.errors.append(LoadError(str(path), f"cannot load demo deals: {exc}"))
        return report
    rng = random.Random(seed)
    now = now or datetime.now()
    unanswered = _unanswered(demo_dir)
    with store.session() as s:
        items = [r for r in all_records(s, include_archived=False) if r.status == "published"]
        by_stage: dict[str, list[ItemRecord]] = {}
        for item in items:
            for stage in item.stages:
                by_stage.setdefault(stage, []).append(item)
    for n, spec in enumerate(data.get("deals") or [], start=1):
        try:
            _seed_deal(store, spec, by_stage, unanswered, rng, now, report)
        except Exception as exc:  # one bad deal must not stop the rest of the demo
            report.errors.append(LoadError(str(path), f"deal #{n} ({spec.get('id', '?')}): {exc}"))
    return report


def _seed_deal(store, spec, by_stage, unanswered, rng, now, report) -> None:  # type: ignore[no-untyped-def]
    history = spec.get("history") or []
    if not history:
        raise ValueError("no history")
    with store.session() as s:
        if s.get(Deal, spec["id"]) is not None:
            return
        first = history[0]
        create_deal(
            s, spec["name"], account=spec.get("account", ""), owner=spec.get("owner", ""), stage=first["to"],
            deal_id=spec["id"], at=_as_datetime(first["at"], 9), note=first.get("note", ""),
        )  # fmt: skip
        for person in spec.get("stakeholders") or []:
            add_stakeholder(s, spec["id"], person["name"], person["role"])
        roles = [p["role"] for p in spec.get("stakeholders") or []]
        starts = [_as_datetime(h["at"], 9) for h in history]
        ends = starts[1:] + [min(now, starts[-1] + timedelta(days=21))]
        status = spec.get("status", "open")
        closing_stage = {"won": "results", "lost": "win-back"}.get(status)
        closed = False
        for idx, step in enumerate(history):
            if idx and step["to"] == closing_stage and not closed:
                set_status(s, spec["id"], status, note=step.get("note", ""), at=starts[idx])
                closed = True
            elif idx:
                move_stage(s, spec["id"], step["to"], note=step.get("note", ""), at=starts[idx])
            span = max((ends[idx] - starts[idx]).total_seconds(), 3600.0)
            pool = by_stage.get(step["to"], [])
            for _ in range(rng.randint(3, 6) if pool else 0):
                at = _business_hours(starts[idx] + timedelta(seconds=rng.uniform(0.05, 0.95) * span), rng)
                _log_one(s, spec["id"], pool, unanswered, roles, spec.get("owner", ""), at, rng, report)
        if status in ("won", "lost") and not closed:
            set_status(s, spec["id"], status, note=f"Marked {status}", at=starts[-1] + timedelta(hours=1), follow=False)
    report.deals += 1


def _log_one(s, deal_id, pool, unanswered, roles, rep, at, rng, report) -> None:  # type: ignore[no-untyped-def]
    outcome = rng.choices([o for o, _ in OUTCOME_WEIGHTS], [w for _, w in OUTCOME_WEIGHTS])[0]
    role = rng.choice(roles) if roles and rng.random() < 0.7 else None
    seconds = round(min(240.0, rng.lognormvariate(3.0, 0.6)), 1)
    if outcome == "no-answer" and unanswered:
        question = rng.choice(unanswered)
        entry = add_entry(s, question, deal_id=deal_id, outcome="no-answer", role=role, search_text=question,
                          seconds=seconds, rep=rep, at=at)  # fmt: skip
        report.gaps += entry.gap_id is not None
    else:
        item = rng.choice(pool)
        question = rng.choice(_questions_for(item))
        rank = rng.choices([1, 2, 3, 4, 6], [60, 20, 10, 6, 4])[0]
        add_entry(s, question, deal_id=deal_id, item_ids=[item.id], outcome="partial" if outcome == "partial" else "answered",
                  role=role, search_text=question.lower()[: rng.randint(12, 60)], chosen_rank=rank,
                  seconds=seconds, rep=rep, at=at)  # fmt: skip
    report.log_entries += 1


@dataclass(frozen=True)
class DemoFootprint:
    """What of the bundled demo a home holds: it must never reach a team server."""

    item_ids: frozenset[str]
    deal_ids: frozenset[str]

    def __bool__(self) -> bool:
        return bool(self.item_ids or self.deal_ids)


def demo_footprint(session: Session, content: Path = BUNDLED_CONTENT, demo_dir: Path = DEMO_DIR) -> DemoFootprint:
    """The demo items and deals in this home, recognised by the bundled content's and deals' ids
    (so an expert's edit of a demo answer is still demo)."""
    stage_keys = session.scalars(select(JourneyStage.key)).all()
    bundled = {p.stem for p in content_files(content)} | {r.id for r in load_folder(content, stage_keys).records}
    try:
        data = yaml.safe_load((demo_dir / "deals.yaml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        data = {}
    deal_ids = {str(d.get("id")) for d in data.get("deals") or [] if isinstance(d, dict)}
    items = frozenset(session.scalars(select(Item.id).where(Item.id.in_(bundled))))
    deals = frozenset(session.scalars(select(Deal.id).where(Deal.id.in_(deal_ids))))
    return DemoFootprint(items, deals)


def home_counts(session: Session, *, besides_deals: Collection[str] = ()) -> dict[str, int]:
    """Items, deals and log entries a home holds; log entries of ``besides_deals`` not counted."""
    def count(model: Any, *where: Any) -> int:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    return {"items": count(Item), "deals": count(Deal),
            "log entries": count(AnswerLogEntry, AnswerLogEntry.deal_id.not_in(list(besides_deals))
                                 | AnswerLogEntry.deal_id.is_(None))}  # fmt: skip


def discard_demo(session: Session, footprint: DemoFootprint) -> None:
    """Remove the demo's items (with their history) and deals (with their stage moves,
    stakeholders, answer log and gaps) from this home; nothing else is touched."""
    deal_ids = list(footprint.deal_ids)
    session.execute(delete(Gap).where(Gap.deal_id.in_(deal_ids)))
    for entry in session.scalars(select(AnswerLogEntry).where(AnswerLogEntry.deal_id.in_(deal_ids))):
        session.delete(entry)
    for model, ids in ((Deal, deal_ids), (Item, list(footprint.item_ids))):
        for obj in session.scalars(select(model).where(model.id.in_(ids))):
            session.delete(obj)
    session.flush()
