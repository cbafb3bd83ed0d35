"""``kb import`` of the team's documents and the app's Content → Import documents…: one use case.

PDF, Word, PowerPoint, Excel and HTML files become articles (one per heading, slide or page), RFP
answer libraries become Q&A pairs, and customer email threads become suggestions in the experts'
queue. Files are read one at a time and saved in batches, each batch its own transaction followed
by its index update: a cancel (through the progress callback) keeps the batches already saved, and
running the same import again resumes where it stopped, since finished files are skipped by hash.
One bad file is reported with its reason and never stops the rest.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from kb.documents.convert import convert, is_document
from kb.documents.items import FileOutcome, file_prefix, file_sha256, imported_hashes, save_converted
from kb.documents.model import Converted, DocumentError
from kb.documents.safety import check_size
from kb.documents.sheets import csv_header, is_native_library
from kb.errors import ContentError, LoadError
from kb.importing import ImportReport
from kb.loader import content_files
from kb.progress import Cancelled, ProgressFn, no_progress

from indexer.app.actors import Actor, current_actor
from indexer.app.changes import Changes, Done
from indexer.app.records_import import import_records
from indexer.app.search import get_item, search
from indexer.app.workspace import Workspace

BATCH_FILES = 25
REPEAT_SHARE = 0.8  # a new section sharing this share of its words with an item repeats it
_WORD = re.compile(r"\w{3,}")


@dataclass
class DocumentReport(ImportReport):
    """An :class:`ImportReport` with what documents add: pages read, files skipped as unchanged,
    sections archived, thread pairs suggested, and repeats of existing items (the duplicate guard)."""

    #: pages, slides, sheets and messages read
    pages: int = 0
    #: files not opened: their hash is the one their sections were last imported from
    same_hash: int = 0
    #: sections gone from a changed file (archived, history kept)
    archived: int = 0
    #: thread pairs put in the experts' queue, and those already there
    suggested: int = 0
    already_suggested: int = 0
    #: the duplicate guard: new sections that repeat an existing item
    repeats: list[str] = field(default_factory=list)
    #: problems that did not stop a file (an unanswered RFP row, an unreadable page)
    notes: list[str] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return super().as_dict() | {
            "pages": self.pages, "unchanged_files": self.same_hash, "archived": self.archived,
            "suggested": self.suggested, "already_suggested": self.already_suggested, "repeats": self.repeats,
            "notes": self.notes, "cancelled": self.cancelled, "seconds": round(self.seconds, 2),
        }  # fmt: skip

    def lines(self, limit: int | None = None) -> list[str]:
        """The report both front ends show, line by line; ``limit`` caps each list (with a count)."""
        head = "Cancelled — run the same import again to resume. " if self.cancelled else ""
        out = [
            f"{head}{self.source}: {self.files:,} file(s), {self.pages:,} page(s)/slide(s)/sheet(s) read "
            f"in {self.seconds:,.1f} s",
            f"{self.created:,} new, {self.updated:,} updated, {self.unchanged:,} unchanged, {self.archived:,} archived "
            f"(gone from their file); {self.same_hash:,} file(s) skipped as unchanged since the last import",
            f"{self.suggested:,} Q&A suggested from email threads for the experts' review"
            + (f" ({self.already_suggested:,} already in the queue)" if self.already_suggested else ""),
            f"{len(self.errors):,} file(s) not imported" + (":" if self.errors else ""),
        ]
        out += _listed([f"  ✗ {e}" for e in self.errors], limit)
        if self.repeats:
            out.append(f"{len(self.repeats):,} new section(s) repeat an existing item (review them in Curation):")
            out += _listed([f"  ≈ {r}" for r in self.repeats], limit)
        if self.notes:
            out.append(f"{len(self.notes):,} note(s):")
            out += _listed([f"  · {n}" for n in self.notes], limit)
        return out


def _listed(lines: list[str], limit: int | None) -> list[str]:
    if limit is None or len(lines) <= limit:
        return lines
    return lines[:limit] + [f"  … and {len(lines) - limit:,} more"]


def wants(path: Path) -> bool:
    """Is ``path`` for this importer (a document, an RFP library, or a folder holding documents)?"""
    path = Path(path)
    if path.is_dir():
        return not (path / "corpus.jsonl").exists() and any(True for _ in document_files(path, limit=1))
    if path.suffix.lower() == ".csv":
        return path.is_file() and not is_native_library(csv_header(path))
    return is_document(path)


def document_files(root: Path, limit: int | None = None) -> list[Path]:
    """Documents under ``root`` in a stable order; hidden and ``_``-prefixed folders skipped."""
    found: list[Path] = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).parts
        if any(part.startswith((".", "_")) for part in rel) or not p.is_file() or not is_document(p):
            continue
        found.append(p)
        if limit and len(found) >= limit:
            break
    return found


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(text))


def _repeats(ws: Workspace, ids: list[str]) -> list[str]:
    """New sections whose words are mostly those of an existing item (from another file or by hand)."""
    out = []
    for item_id in ids:
        record = get_item(ws, item_id)
        if record is None or record.kind != "article":
            continue
        mine = _words(record.body)
        if len(mine) < 8:
            continue
        own = file_prefix(str(record.extra.get("source_file", ""))) + "-"  # its own file's other sections
        query = " ".join(sorted(mine, key=lambda w: (-len(w), w))[:8])  # its longest words: the rarest, cheaply
        hits = search(ws, query, limit=3, expert=True, mode="lexical").hits
        candidates = [i for h in hits for i in (h.id, *h.duplicates)]  # the search folds repeats into one hit
        for other_id in candidates:
            if other_id == item_id or other_id.startswith(own):
                continue
            other = get_item(ws, other_id)
            if other is None or other.status == "archived":
                continue
            theirs = _words(other.body)
            share = len(mine & theirs) / max(1, len(mine | theirs))
            if share >= REPEAT_SHARE:
                where = record.extra.get("source_file", "")
                loc = record.extra.get("source_location", "")
                out.append(f"{where}{' ' + loc if loc else ''}: “{record.title}” repeats {other.id!r} "
                           f"(“{other.title}”, {share:.0%} same words)")  # fmt: skip
                break
    return out


def import_documents(ws: Workspace, path: Path, progress: ProgressFn = no_progress) -> Done[DocumentReport]:
    """Import every document under ``path`` (or the one file); see the module docstring."""
    started = time.perf_counter()
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    root = path if path.is_dir() else path.parent
    files = document_files(path) if path.is_dir() else [path]
    report = DocumentReport(str(path), "documents", files=len(files))
    changes = Changes()
    if path.is_dir() and content_files(path):  # Markdown items beside the documents: the usual import
        done = import_records(ws, path, progress)
        md, changes = done.value, done.changes
        report.files += md.files
        report.loaded += md.loaded
        report.created, report.updated, report.unchanged = md.created, md.updated, md.unchanged
        report.errors += md.errors
    actor = current_actor(ws=ws)
    hashes = ws.read(imported_hashes)
    try:
        for start in range(0, len(files), BATCH_FILES):
            chunk = files[start:start + BATCH_FILES]
            batch = _read_batch(chunk, root, start, len(files), hashes, report, progress)
            if not batch:
                continue
            progress(min(start + BATCH_FILES, len(files)), len(files), "Saving and indexing")
            done = ws.write(lambda s: _save_batch(s, batch, actor, report, hashes))  # reindexes what it touched
            outcomes, changes = done.value, changes | done.changes
            created = [i for o in outcomes for i in o.created]
            report.repeats += _repeats(ws, created)
    except Cancelled:
        report.cancelled = True
        report.seconds = time.perf_counter() - started
        raise CancelledImport(report, changes) from None
    progress(len(files), len(files), "Imported")
    report.seconds = time.perf_counter() - started
    return Done(report, changes)


class CancelledImport(Cancelled):
    """Cancelled part way: what was saved before the cancel stays (``report``, ``changes``)."""

    def __init__(self, report: DocumentReport, changes: Changes) -> None:
        super().__init__(f"cancelled after {report.loaded} item(s); import again to resume")
        self.report = report
        self.changes = changes


def _read_batch(
    files: list[Path], root: Path, offset: int, total: int, hashes: dict[str, str], report: DocumentReport,
    progress: ProgressFn,
) -> list[tuple[Path, str, str, Converted]]:
    """Convert the files of one batch that changed since their last import; bad ones go to the report."""
    out = []
    for n, file in enumerate(files, start=offset):
        rel = file.relative_to(root).as_posix() if file.is_relative_to(root) else file.name
        progress(n, total, f"Reading {rel}")
        try:
            check_size(file)
            sha = file_sha256(file.read_bytes())
            if hashes.get(rel) == sha:
                report.same_hash += 1
                continue
            conv = convert(file)
        except (DocumentError, ContentError) as exc:
            report.errors.append(LoadError(rel, str(exc), exc.line, exc.field))
            continue
        except OSError as exc:
            report.errors.append(LoadError(rel, f"cannot read: {exc.strerror or exc}"))
            continue
        report.pages += conv.pages
        report.notes += [f"{rel}: {note}" for note in conv.notes]
        if conv.empty() and not conv.notes:
            report.errors.append(LoadError(rel, "no text found in the file"))
            continue
        out.append((file, rel, sha, conv))
    return out


def _save_batch(
    session: Session, batch: list[tuple[Path, str, str, Converted]], actor: Actor, report: DocumentReport,
    hashes: dict[str, str],
) -> list[FileOutcome]:
    """One transaction for the batch, one savepoint per file: a file that fails to save is named and
    rolled back alone."""
    outcomes = []
    for file, rel, sha, conv in batch:
        try:
            with session.begin_nested():
                outcome = save_converted(session, conv, rel=rel, source=str(file), sha=sha, actor=actor,
                                         saved_by=f"import {rel}"[:120], seen_before=rel in hashes)  # fmt: skip
        except (ContentError, ValueError) as exc:
            report.errors.append(LoadError(rel, f"not saved: {exc}"))
            continue
        outcomes.append(outcome)
        report.loaded += len(conv.sections) + len(conv.rows)
        report.created += len(outcome.created)
        report.updated += len(outcome.updated)
        report.unchanged += outcome.unchanged
        report.archived += len(outcome.archived)
        report.suggested += outcome.suggested
        report.already_suggested += outcome.already_suggested
    return outcomes
