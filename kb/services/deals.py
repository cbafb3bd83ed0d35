"""Deals and their journey: an append-only history where moving back is normal, never an error."""

from __future__ import annotations

import base64
import difflib
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from kb.content_format import slugify
from kb.models import Deal, JourneyStage, StageEvent, Stakeholder, utcnow

DEAL_STATUSES = ("open", "won", "lost")
ROLES = ("economic-buyer", "technical-evaluator", "end-user", "procurement", "legal", "champion")


class DealError(ValueError):
    pass


@dataclass(frozen=True)
class StageEventRecord:
    from_stage: str | None
    to_stage: str
    at: datetime
    note: str
    status: str | None
    backward: bool


@dataclass(frozen=True)
class DealRecord:
    id: str
    name: str
    account: str
    owner: str
    status: str
    stage: str
    created_at: datetime
    updated_at: datetime
    history: tuple[StageEventRecord, ...] = ()
    stakeholders: tuple[tuple[str, str], ...] = field(default=())


def stage_order(session: Session) -> list[str]:
    return list(session.scalars(select(JourneyStage.key).order_by(JourneyStage.position)))


def _check_stage(session: Session, stage: str) -> None:
    if session.get(JourneyStage, stage) is None:
        raise DealError(f"unknown stage {stage!r}; expected one of {', '.join(stage_order(session))}")


def _record(deal: Deal, order: list[str]) -> DealRecord:
    pos = {k: i for i, k in enumerate(order)}
    history = tuple(
        StageEventRecord(
            e.from_stage, e.to_stage, e.at, e.note, e.status,
            e.from_stage is not None and pos.get(e.to_stage, 0) < pos.get(e.from_stage, 0),
        )  # fmt: skip
        for e in deal.history
    )
    return DealRecord(
        deal.id, deal.name, deal.account, deal.owner, deal.status, deal.stage, deal.created_at,
        deal.updated_at, history, tuple((s.name, s.role) for s in deal.stakeholders),
    )  # fmt: skip


def _unique_id(session: Session, name: str) -> str:
    """Readable and globally unique: the name's slug and 60 random bits (12 base32 characters).

    Deals are created offline on many laptops and meet on the team server, where two reps' "Acme
    renewal" must stay two deals: a per-laptop counter (``acme-renewal-2``) would collide there."""
    base = slugify(name, 50)
    while True:
        token = base64.b32encode(uuid.uuid4().bytes).decode().lower()[:12]
        candidate = f"{base}-{token}"
        if session.get(Deal, candidate) is None:
            return candidate


def create_deal(
    session: Session,
    name: str,
    *,
    account: str = "",
    owner: str = "",
    stage: str | None = None,
    deal_id: str | None = None,
    at: datetime | None = None,
    note: str = "",
) -> DealRecord:
    name = name.strip()
    if not name:
        raise DealError("a deal needs a name")
    order = stage_order(session)
    stage = stage or order[0]
    _check_stage(session, stage)
    at = at or utcnow()
    deal = Deal(
        id=deal_id or _unique_id(session, name), name=name, account=account.strip() or name, owner=owner,
        status="open", stage=stage, created_at=at, updated_at=at,
    )  # fmt: skip
    deal.history.append(StageEvent(from_stage=None, to_stage=stage, at=at, note=note, status="open"))
    session.add(deal)
    session.flush()
    return _record(deal, order)


@dataclass(frozen=True)
class NewDeal:
    """A deal to create in bulk (a CRM import): its first stage, and its status if already closed."""

    id: str
    name: str
    account: str
    owner: str
    stage: str
    status: str = "open"
    note: str = ""


def create_many(session: Session, new: list[NewDeal], *, at: datetime | None = None) -> int:
    """Create deals as :func:`create_deal` would, one flush per thousand instead of one each (a
    200,000-row CRM export took minutes). A closed deal gets its status event, staying at its stage."""
    at = at or utcnow()
    known = set(stage_order(session))
    for n, spec in enumerate(new, 1):
        if spec.stage not in known:
            raise DealError(f"unknown stage {spec.stage!r}; expected one of {', '.join(known)}")
        deal = Deal(id=spec.id, name=spec.name.strip(), account=spec.account.strip() or spec.name.strip(),
                    owner=spec.owner, status=spec.status, stage=spec.stage, created_at=at, updated_at=at)
        deal.history.append(StageEvent(from_stage=None, to_stage=spec.stage, at=at, note=spec.note, status="open"))
        if spec.status != "open":
            deal.history.append(StageEvent(from_stage=spec.stage, to_stage=spec.stage, at=at, note=spec.note,
                                           status=spec.status))
        session.add(deal)
        if n % 1000 == 0:
            session.flush()
    session.flush()
    return len(new)


def _load(session: Session, deal_id: str) -> Deal:
    deal = session.get(Deal, deal_id, options=[selectinload(Deal.history), selectinload(Deal.stakeholders)])
    if deal is None:
        raise DealError(f"no deal {deal_id!r}{_did_you_mean(session, deal_id)}")
    return deal


def _did_you_mean(session: Session, wanted: str) -> str:
    """'— did you mean kestrel-bank-…?': deals whose id or name holds the typing, else close ids."""
    needle = wanted.strip().casefold()
    rows = session.execute(select(Deal.id, Deal.name)).all()
    hits = [i for i, name in rows if needle and (needle in i.casefold() or needle in name.casefold())]
    hits = hits or difflib.get_close_matches(wanted, [i for i, _ in rows], n=3, cutoff=0.6)
    return f" — did you mean {' or '.join(hits[:3])}?" if hits else ""


def move_stage(
    session: Session, deal_id: str, stage: str, *, note: str = "", at: datetime | None = None
) -> DealRecord:
    """Record a move to any stage, forward or back: buyers loop, and the log should show it."""
    _check_stage(session, stage)
    deal = _load(session, deal_id)
    at = at or utcnow()
    deal.history.append(StageEvent(from_stage=deal.stage, to_stage=stage, at=at, note=note))
    deal.stage = stage
    deal.updated_at = at
    session.flush()
    return _record(deal, stage_order(session))


def set_status(
    session: Session, deal_id: str, status: str, *, note: str = "", at: datetime | None = None, follow: bool = True
) -> DealRecord:
    """Won deals enter ``results``; lost deals enter ``win-back`` (when configured and ``follow``)."""
    if status not in DEAL_STATUSES:
        raise DealError(f"unknown status {status!r}; expected one of {', '.join(DEAL_STATUSES)}")
    deal = _load(session, deal_id)
    order = stage_order(session)
    next_stage = {"won": "results", "lost": "win-back"}.get(status) if follow else None
    to_stage = next_stage if next_stage in order else deal.stage
    at = at or utcnow()
    deal.history.append(StageEvent(from_stage=deal.stage, to_stage=to_stage, at=at, note=note, status=status))
    deal.status = status
    deal.stage = to_stage
    deal.updated_at = at
    session.flush()
    return _record(deal, order)


def update_details(
    session: Session, deal_id: str, *, name: str | None = None, account: str | None = None, owner: str | None = None
) -> bool:
    """Rename a deal or change its account or owner (a CRM re-import); True when anything changed."""
    deal = _load(session, deal_id)
    changed = False
    for attr, value in (("name", name), ("account", account), ("owner", owner)):
        if value is not None and value.strip() and getattr(deal, attr) != value.strip():
            setattr(deal, attr, value.strip())
            changed = True
    if changed:
        deal.updated_at = utcnow()
        session.flush()
    return changed


def add_stakeholder(session: Session, deal_id: str, name: str, role: str) -> DealRecord:
    if role not in ROLES:
        raise DealError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    deal = _load(session, deal_id)
    deal.stakeholders.append(Stakeholder(name=name.strip(), role=role))
    session.flush()
    return _record(deal, stage_order(session))


def get_deal(session: Session, deal_id: str) -> DealRecord:
    return _record(_load(session, deal_id), stage_order(session))


def list_deals(session: Session, *, status: str | None = None) -> list[DealRecord]:
    stmt = (
        select(Deal)
        .options(selectinload(Deal.history), selectinload(Deal.stakeholders))
        .order_by(Deal.updated_at.desc(), Deal.id)
    )
    if status:
        stmt = stmt.where(Deal.status == status)
    order = stage_order(session)
    return [_record(d, order) for d in session.scalars(stmt)]


def count_deals(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Deal)) or 0
