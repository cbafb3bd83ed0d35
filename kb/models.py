"""SQLAlchemy 2 typed models: the single source of truth (the search index is derived from it).

Only portable column types are used (JSON, not SQLite's json1 tricks), so the same models run on
PostgreSQL for teams. Answer-log entries and stage events are append-only by design.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_uid() -> str:
    """A globally unique id: what makes a record the same row on every laptop and on the team server."""
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class JourneyStage(Base):
    __tablename__ = "journey_stages"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer)


class Item(Base):
    __tablename__ = "items"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    phrasings: Mapped[list[str]] = mapped_column(default=list)
    area: Mapped[str] = mapped_column(String(80), default="", index=True)
    tags: Mapped[list[str]] = mapped_column(default=list)
    stages: Mapped[list[str]] = mapped_column(default=list)
    owner: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(16), default="published", index=True)
    verified_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    review_days: Mapped[int] = mapped_column(Integer, default=180)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    source: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    versions: Mapped[list[ItemVersion]] = relationship(
        back_populates="item", order_by="ItemVersion.version", cascade="all, delete-orphan"
    )


class ItemVersion(Base):
    """A snapshot of every saved state, so experts can diff and restore."""

    __tablename__ = "item_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(36), default=new_uid, unique=True, index=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column()
    saved_by: Mapped[str] = mapped_column(String(120), default="")
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    item: Mapped[Item] = relationship(back_populates="versions")


class Deal(Base):
    __tablename__ = "deals"
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    account: Mapped[str] = mapped_column(String(200), default="")
    owner: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    stage: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    history: Mapped[list[StageEvent]] = relationship(
        back_populates="deal", order_by="StageEvent.id", cascade="all, delete-orphan"
    )
    stakeholders: Mapped[list[Stakeholder]] = relationship(
        back_populates="deal", order_by="Stakeholder.id", cascade="all, delete-orphan"
    )


class StageEvent(Base):
    """Append-only: a move back to an earlier stage is a normal event, never an error."""

    __tablename__ = "stage_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(36), default=new_uid, unique=True, index=True)
    deal_id: Mapped[str] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(40), nullable=True)
    to_stage: Mapped[str] = mapped_column(String(40))
    status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    deal: Mapped[Deal] = relationship(back_populates="history")


class Stakeholder(Base):
    __tablename__ = "stakeholders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(36), default=new_uid, unique=True, index=True)
    deal_id: Mapped[str] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    deal: Mapped[Deal] = relationship(back_populates="stakeholders")


class AnswerLogEntry(Base):
    """What a prospect asked, in which stage, and what the rep answered with.

    ``stage`` is copied at logging time: later moves of the deal must not rewrite history.
    """

    __tablename__ = "answer_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(36), default=new_uid, unique=True, index=True)
    question: Mapped[str] = mapped_column(Text)
    deal_id: Mapped[str | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"), nullable=True, index=True)
    stage: Mapped[str] = mapped_column(String(40), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    role: Mapped[str | None] = mapped_column(String(40), nullable=True)
    search_text: Mapped[str] = mapped_column(Text, default="")
    chosen_rank: Mapped[int | None] = mapped_column(Integer, nullable=True)
    seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    rep: Mapped[str] = mapped_column(String(120), default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    items: Mapped[list[AnswerLogItem]] = relationship(
        order_by="AnswerLogItem.position", cascade="all, delete-orphan"
    )


class AnswerLogItem(Base):
    __tablename__ = "answer_log_items"
    entry_id: Mapped[int] = mapped_column(ForeignKey("answer_log.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No foreign key to items: the log must survive an item's deletion unchanged.
    item_id: Mapped[str] = mapped_column(String(200), index=True)


class Gap(Base):
    __tablename__ = "gaps"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(36), default=new_uid, unique=True, index=True)
    question: Mapped[str] = mapped_column(Text)
    log_entry_id: Mapped[int | None] = mapped_column(ForeignKey("answer_log.id", ondelete="SET NULL"), nullable=True)
    deal_id: Mapped[str | None] = mapped_column(String(120), nullable=True)
    stage: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    answered_by: Mapped[str | None] = mapped_column(String(200), nullable=True)  # the answering item's id
    by: Mapped[str] = mapped_column(String(120), default="", server_default="")  # the rep who asked
    decided_by: Mapped[str | None] = mapped_column(String(120), nullable=True)  # the expert who closed it
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Suggestion(Base):
    """A rep's proposed edit (or new item), queued until an expert accepts or rejects it.

    ``item_id`` is ``None`` for a proposed new item (its id is in the snapshot). No foreign key:
    a decided suggestion stays as a record even if its item is later removed.
    """

    __tablename__ = "suggestions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(36), default=new_uid, unique=True, index=True)
    item_id: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    base_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    snapshot: Mapped[dict[str, Any]] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(120), default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    decided_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    applied_version: Mapped[int | None] = mapped_column(Integer, nullable=True)


class FileSync(Base):
    """Per content folder and item: the file last synced, its hash, and the item version then.

    Keyed by folder as well as item, so exporting to a scratch folder never changes what
    ``kb sync-files`` assumes about the experts' real content folder.
    """

    __tablename__ = "file_sync"
    root: Mapped[str] = mapped_column(String(500), primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)
    path: Mapped[str] = mapped_column(Text)  # relative to root, with '/' separators
    synced_hash: Mapped[str] = mapped_column(String(64))
    synced_version: Mapped[int] = mapped_column(Integer)
    synced_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SyncState(Base):
    """Small facts about this home's team sync (last sync time, server URL, member name)."""

    __tablename__ = "sync_state"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SharedFile(Base):
    """A team-wide file kept on the server, such as the experts' synonyms list: experts publish it,
    every laptop pulls it into its home. ``sha`` tells a laptop whether its copy is current."""

    __tablename__ = "shared_files"
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    sha: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120), default="")


class SharedVector(Base):
    """A text's meaning vector, shared through the team server so it is computed once for the team.

    Keyed by the text's hash and the model stamp (a vector means nothing for another model);
    ``vector`` holds the float32 values as bytes. Only experts may add them (a forged vector would
    steer every rep's search); everyone reads them."""

    __tablename__ = "shared_vectors"
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    model: Mapped[str] = mapped_column(String(120), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    by: Mapped[str] = mapped_column(String(120), default="")
