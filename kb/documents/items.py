"""A converted file → stored items: sections as articles, RFP rows as Q&A, thread pairs as suggestions.

Identity and re-import. A section's id is ``doc-<file>-<hash of its path>-<heading or page>``, so a
changed file updates its sections in place (a new version each, history kept), a section that is
gone is archived, and a section that reads the same is left alone. The file's SHA-256 is stored on
the sections it last changed; when the newest of them carries the file's current hash, the file is
skipped without being opened. RFP rows keep the CSV importer's ids (derived from the question), so
a second sheet or another spreadsheet with the same question updates one item, never two.

Provenance lives in the item's ``extra`` (front matter keys, written back on export): ``source_file``,
``source_location`` (page, slide, sheet and row), ``imported_on`` and ``source_sha256``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kb.content_format import slugify
from kb.documents.model import Converted
from kb.importers.csv_library import stable_csv_id
from kb.models import Item
from kb.records import ItemRecord
from kb.services import suggestions
from kb.services.items import save_records, to_record
from kb.services.roles import Actor

PROVENANCE = ("source_file", "source_location", "imported_on", "source_sha256", "source_kind")
CONTENT = ("kind", "title", "body", "tags")


@dataclass
class FileOutcome:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    archived: list[str] = field(default_factory=list)
    suggested: int = 0
    already_suggested: int = 0
    skipped_same_hash: bool = False

    @property
    def changed(self) -> list[str]:
        return self.created + self.updated + self.archived


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_prefix(rel: str) -> str:
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return f"doc-{slugify(stem, 40)}-{hashlib.sha1(rel.lower().encode('utf-8')).hexdigest()[:6]}"


def _existing_sections(session: Session, prefix: str) -> dict[str, Item]:
    # LIKE on a prefix of letters, digits and '-' only: the same on SQLite and PostgreSQL.
    return {i.id: i for i in session.scalars(select(Item).where(Item.id.like(prefix + "-%")))}


def _existing_rows(session: Session, rel: str) -> dict[str, Item]:
    rows = session.scalars(select(Item).where(Item.id.like("csv-%"), Item.kind == "qa"))
    return {i.id: i for i in rows if (i.extra or {}).get("source_file") == rel}


def imported_hashes(session: Session) -> dict[str, str]:
    """For every file imported before: the SHA-256 of its version that the last import read.

    That is the hash on the file's newest live section or row (the ones the last import changed),
    or on its thread suggestions ("" when all its sections are archived). Read once per import (one
    scan) instead of once per file.
    """
    newest: dict[str, tuple[tuple[object, int], str]] = {}
    rows = session.execute(
        select(Item.extra, Item.status, Item.updated_at, Item.version)
        .where(or_(Item.id.like("doc-%"), Item.id.like("csv-%")))
    )
    seen: set[str] = set()
    for extra, status, updated_at, version in rows:
        source = (extra or {}).get("source_file")
        if source:
            seen.add(source)
        if status == "archived" or not source:
            continue
        if source not in newest or (updated_at, version) > newest[source][0]:
            newest[source] = ((updated_at, version), str(extra.get("source_sha256", "")))
    hashes = {source: "" for source in seen} | {source: sha for source, (_, sha) in newest.items()}
    for sug in suggestions.list_suggestions(session, status=None):
        source = sug.proposed.extra.get("source_file")
        if source and source not in hashes:
            hashes[source] = str(sug.proposed.extra.get("source_sha256", ""))
    return hashes


def _provenance(rel: str, location: str, sha: str, kind: str, today: date) -> dict[str, str]:
    return {"source_file": rel, "source_location": location, "imported_on": today.isoformat(),
            "source_sha256": sha, "source_kind": kind}  # fmt: skip


def _same(item: Item, record: ItemRecord) -> bool:
    return item.status != "archived" and all(
        getattr(item, k) == (list(v) if isinstance(v, tuple) else v)
        for k, v in ((k, getattr(record, k)) for k in CONTENT)
    )


def _merge(item: Item | None, record: ItemRecord) -> ItemRecord:
    """An expert's owner, stages, area, review and own extra keys survive a re-import."""
    if item is None:
        return record
    old = to_record(item)
    extra = {k: v for k, v in old.extra.items() if k not in PROVENANCE} | record.extra
    return replace(old, kind=record.kind, title=record.title, body=record.body, tags=record.tags or old.tags,
                   status="published", extra=extra, source=record.source)  # fmt: skip


def section_records(conv: Converted, rel: str, source: str, sha: str, today: date) -> list[ItemRecord]:
    prefix = file_prefix(rel)
    out: dict[str, ItemRecord] = {}
    for sec in conv.sections:
        item_id = f"{prefix}-{slugify(sec.key or sec.heading, 60)}"
        n = 2
        while item_id in out:
            item_id, n = f"{prefix}-{slugify(sec.key or sec.heading, 56)}-{n}", n + 1
        title = conv.title if sec.heading == conv.title else f"{conv.title} — {sec.heading}"
        out[item_id] = ItemRecord(
            id=item_id, kind="article", title=title[:300], body=sec.text, tags=(conv.kind,), source=source,
            extra=_provenance(rel, sec.location, sha, conv.kind, today),
        )  # fmt: skip
    return list(out.values())


def row_records(conv: Converted, rel: str, source: str, sha: str, today: date) -> list[ItemRecord]:
    out: dict[str, ItemRecord] = {}
    for row in conv.rows:
        item_id = stable_csv_id(row.question)
        out[item_id] = ItemRecord(  # a repeated question: the later row wins, as a re-import would
            id=item_id, kind="qa", title=row.question[:500], body=row.answer, tags=row.tags, source=source,
            extra=_provenance(rel, row.location, sha, "rfp", today),
        )  # fmt: skip
    return list(out.values())


def save_converted(
    session: Session, conv: Converted, *, rel: str, source: str, sha: str, actor: Actor, saved_by: str,
    today: date | None = None, seen_before: bool = True,
) -> FileOutcome:
    """Store one file's sections and rows, archive its sections that are gone, queue its thread pairs.

    ``seen_before=False`` (no item came from ``rel`` yet, :func:`imported_hashes`) skips the scans
    for the file's earlier sections and rows: a first import of a big folder looks up ids only."""
    today = today or date.today()
    outcome = FileOutcome()
    if conv.sections or not conv.rows:
        records = section_records(conv, rel, source, sha, today)
        existing = _existing_sections(session, file_prefix(rel)) if seen_before else _by_id(session, records)
        _save(session, existing, records, outcome, saved_by)
    if conv.rows:
        wanted = row_records(conv, rel, source, sha, today)
        existing = _existing_rows(session, rel) if seen_before else {}
        _save(session, existing | _by_id(session, wanted), wanted, outcome, saved_by)
    if conv.pairs:
        queued = {s.proposed.id for s in suggestions.list_suggestions(session, status=None)}
        for pair in conv.pairs:
            _suggest(session, pair, rel, source, sha, today, actor, outcome, queued)
    return outcome


def _by_id(session: Session, records: list[ItemRecord]) -> dict[str, Item]:
    if not records:
        return {}
    return {i.id: i for i in session.scalars(select(Item).where(Item.id.in_([r.id for r in records])))}


def _save(
    session: Session, existing: dict[str, Item], records: list[ItemRecord], outcome: FileOutcome, saved_by: str
) -> None:
    to_save: list[ItemRecord] = []
    for record in records:
        item = existing.get(record.id)
        if item is not None and _same(item, record):
            outcome.unchanged += 1
            continue
        (outcome.updated if item is not None else outcome.created).append(record.id)
        to_save.append(_merge(item, record))
    wanted = {r.id for r in records}
    for item_id, item in existing.items():  # gone from the file: archived, its history kept
        if item_id not in wanted and item.status != "archived":
            to_save.append(replace(to_record(item), status="archived"))
            outcome.archived.append(item_id)
    if to_save:
        save_records(session, to_save, saved_by=saved_by)


def _suggest(  # type: ignore[no-untyped-def]
    session: Session, pair, rel, source, sha, today, actor, outcome, queued: set[str]
) -> None:
    """One thread pair → a suggested new Q&A; a pair already queued (any decision) or stored is not re-queued."""
    # Named by what was asked and answered: the same exchange exported twice is queued once.
    digest = hashlib.sha1(f"{pair.question}\n{pair.answer}".encode("utf-8")).hexdigest()[:8]
    record = ItemRecord(
        id=f"thread-{slugify(pair.question, 40)}-{digest}", kind="qa", title=pair.question[:500].split("\n")[0]
        if len(pair.question) <= 200 else (pair.subject or pair.question[:200]), body=pair.answer,
        tags=("from-thread",), status="published", source=source,
        extra=_provenance(rel, pair.location, sha, "email", today) | ({"thread_date": pair.date} if pair.date else {}),
    )  # fmt: skip
    if len(pair.question) > 200 or "\n" in pair.question.strip():
        record = replace(record, body=f"**Asked:** {pair.question}\n\n{pair.answer}")
    if record.id in queued or session.get(Item, record.id) is not None:
        outcome.already_suggested += 1
        return
    note = f"From a customer thread in {rel} ({pair.location}); customer names and addresses removed."
    suggestions.suggest_edit(session, record, actor, note)
    queued.add(record.id)
    outcome.suggested += 1
