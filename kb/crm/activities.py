"""Answered questions as CRM activities: one CSV row per answer, for the CRM's own import tool
(Salesforce Data Import Wizard / Data Loader as Tasks, HubSpot's activity import).

The deal is named by its CRM id when it came from the CRM (``sf-…``/``hs-…``), so the activity
lands on the opportunity the rep works in; the subject is the prospect's question and the
description the answer given, as plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kb.crm.exports import ID_PREFIX
from kb.models import AnswerLogEntry, Deal, Item, JourneyStage
from kb.services.report_csv import write_rows

COLUMNS = ("Deal ID", "CRM", "Expert Answers Deal", "Date", "Subject", "Description", "Stage", "Outcome",
           "Asked By", "Rep", "Seconds", "Items", "Log ID")  # fmt: skip
EXPORTED_OUTCOMES = ("answered", "partial")
#: Salesforce's Task subject holds 255 characters.
SUBJECT_CHARS = 255
DESCRIPTION_CHARS = 4000
_PREFIXES = {f"{prefix}-": crm for crm, prefix in ID_PREFIX.items()}


@dataclass(frozen=True)
class Activity:
    deal_id: str
    crm: str
    deal: str
    date: datetime
    subject: str
    description: str
    stage: str
    outcome: str
    asked_by: str
    rep: str
    seconds: float | None
    items: tuple[str, ...]
    log_id: str

    def row(self) -> list[object]:
        return [self.deal_id, self.crm, self.deal, self.date, self.subject, self.description, self.stage,
                self.outcome, self.asked_by, self.rep, self.seconds, " ".join(self.items), self.log_id]  # fmt: skip


def _plain(markdown: str) -> str:
    text = re.sub(r"`{1,3}|[*_#>]+", "", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def _crm_of(deal_id: str) -> tuple[str, str]:
    for prefix, crm in _PREFIXES.items():
        if deal_id.startswith(prefix):
            return crm, deal_id[len(prefix):]
    return "", deal_id


def activities(session: Session, *, since: datetime | None = None) -> list[Activity]:
    """Answered (and partly answered) questions, oldest first."""
    stmt = (select(AnswerLogEntry).options(selectinload(AnswerLogEntry.items))
            .where(AnswerLogEntry.outcome.in_(EXPORTED_OUTCOMES)).order_by(AnswerLogEntry.at, AnswerLogEntry.id))  # fmt: skip
    if since is not None:
        stmt = stmt.where(AnswerLogEntry.at >= since)
    entries = list(session.scalars(stmt))
    item_ids = {i.item_id for e in entries for i in e.items}
    items = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(item_ids)))} if item_ids else {}
    deal_names = dict(session.execute(select(Deal.id, Deal.name)).all())
    labels = dict(session.execute(select(JourneyStage.key, JourneyStage.label)).all())
    out = []
    for e in entries:
        used = [items[i.item_id] for i in e.items if i.item_id in items]
        answer = "\n\n".join(f"{it.title}\n{_plain(it.body)}" for it in used)
        crm, crm_id = _crm_of(e.deal_id or "")
        out.append(Activity(
            crm_id, crm, deal_names.get(e.deal_id or "", ""), e.at, e.question[:SUBJECT_CHARS],
            answer[:DESCRIPTION_CHARS], labels.get(e.stage, e.stage), e.outcome, e.role or "", e.rep,
            e.seconds, tuple(i.item_id for i in e.items), str(e.id),
        ))  # fmt: skip
    return out


def write_activities(rows: list[Activity], path: Path) -> int:
    """Through the reports' CSV writer, so a question that starts like a formula stays text."""
    return write_rows(list(COLUMNS), [a.row() for a in rows], path)
