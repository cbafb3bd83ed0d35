"""The curation work the windows hand to background threads: plain, Qt-free functions.

Each one is a call on :class:`indexer.curation.Curation` (so every expert write reindexes and
saving makes an item searchable at once) or one short read. Writes return an :class:`Outcome`
instead of raising the errors an expert is expected to meet — a bad field, a conflicting edit, a
rep trying an expert-only write — so the window can show them next to the right field rather than
as a generic "task failed". Anything else still raises and reaches the runner's ``failed``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from kb.records import ItemRecord
from kb.stages import Stage

if TYPE_CHECKING:
    from indexer.workspace import Workspace
    from kb.services.roles import Actor

MAX_QUERY = 2000
SIMILAR_LIMIT = 6


@dataclass(frozen=True)
class EditorData:
    """What the editor needs before it can show: the item (None: new) and the store's stages."""

    record: ItemRecord | None
    stages: list[Stage]
    gap_id: int | None = None


@dataclass(frozen=True)
class Outcome:
    """The result of a write. ``error`` is empty on success; ``field`` names the bad input."""

    value: Any = None
    error: str = ""
    field: str | None = None
    kind: str = ""  # "" | "invalid" | "conflict" | "denied" | "refused" | "missing"

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass(frozen=True)
class QueueData:
    """Everything the Curation window lists, read in one go."""

    stale: list[Any] = field(default_factory=list)  # kb.services.curation.StaleItem
    owners: list[str] = field(default_factory=list)
    suggestions: list[Any] = field(default_factory=list)  # SuggestionRecord
    gaps: list[Any] = field(default_factory=list)  # GapRecord


def curation(ws: Workspace, actor: Actor) -> Any:
    from indexer.curation import Curation

    return Curation(ws, actor)


def guarded(fn: Callable[[], Any]) -> Outcome:
    """Run a write and turn the expected refusals into an Outcome the window can show."""
    from kb.errors import ContentError
    from kb.services.curation import EditConflict
    from kb.services.gaps import GapError
    from kb.services.roles import PermissionDenied
    from kb.services.suggestions import SuggestionError

    try:
        return Outcome(fn())
    except ContentError as exc:
        name = {"question": "title", "title": "title"}.get(exc.field or "", exc.field)
        return Outcome(error=str(exc), field=name, kind="invalid")
    except EditConflict as exc:
        return Outcome(error=str(exc), kind="conflict")
    except PermissionDenied as exc:
        return Outcome(error=str(exc), kind="denied")
    except (SuggestionError, GapError) as exc:
        return Outcome(error=str(exc), kind="refused")
    except KeyError as exc:
        return Outcome(error=str(exc.args[0] if exc.args else exc), kind="missing")


# -- reads ---------------------------------------------------------------------------------------
def editor_data(ws: Workspace, item_id: str | None = None, gap_id: int | None = None) -> EditorData:
    """The item to edit (``item_id``), a draft answering a gap (``gap_id``), or a blank new item."""
    from kb.services.curation import answer_gap_draft

    record = None
    if item_id:
        record = ws.get_item(item_id)
        if record is None:
            raise KeyError(f"no item {item_id!r}")
    elif gap_id is not None:
        with ws.store.session() as s:
            record = answer_gap_draft(s, gap_id)
    return EditorData(record, ws.store.stages(), gap_id)


def similar(ws: Workspace, actor: Actor, text: str, exclude: str | None) -> list[Any]:
    if not text.strip():
        return []
    return curation(ws, actor).similar(text[:MAX_QUERY], limit=SIMILAR_LIMIT, exclude=exclude)


def history(ws: Workspace, actor: Actor, item_id: str) -> list[Any]:
    return curation(ws, actor).history(item_id)


def diff(ws: Workspace, actor: Actor, item_id: str, a: int, b: int | None) -> str:
    return curation(ws, actor).diff(item_id, a, b)


def suggestion_diff(ws: Workspace, actor: Actor, suggestion_id: int) -> str:
    return curation(ws, actor).suggestion_diff(suggestion_id)


def queues(ws: Workspace, actor: Actor, owner: str | None = None, today: date | None = None) -> QueueData:
    from kb.services import gaps

    cur = curation(ws, actor)
    everything = cur.stale(None, today=today)
    owners = sorted({s.record.owner for s in everything if s.record.owner}, key=str.casefold)
    stale = everything if not owner else cur.stale(owner, today=today)
    with ws.store.session() as s:
        open_gaps = gaps.list_gaps(s, status="open")
    return QueueData(stale, owners, cur.queue("open"), open_gaps)


# -- writes (run on the one writer) -------------------------------------------------------------
def save(ws: Workspace, actor: Actor, record: ItemRecord, *, base_version: int | None, is_new: bool,
         gap_id: int | None = None) -> Outcome:  # fmt: skip
    """An expert save: a new version, searchable at once. A new item never overwrites an old one."""
    from kb.errors import ContentError

    def write() -> ItemRecord:
        if is_new and ws.get_item(record.id) is not None:
            raise ContentError(f"an item with id {record.id!r} already exists; pick another id", field="id")
        if gap_id is not None:
            return curation(ws, actor).answer_gap(gap_id, record)
        return curation(ws, actor).save(record, base_version=base_version)

    return guarded(write)


def suggest(ws: Workspace, actor: Actor, record: ItemRecord, note: str = "") -> Outcome:
    return guarded(lambda: curation(ws, actor).suggest(record, note))


def verify(ws: Workspace, actor: Actor, item_id: str) -> Outcome:
    return guarded(lambda: curation(ws, actor).verify(item_id))


def restore(ws: Workspace, actor: Actor, item_id: str, version: int) -> Outcome:
    return guarded(lambda: curation(ws, actor).restore(item_id, version))


def accept(ws: Workspace, actor: Actor, suggestion_id: int, force: bool = False) -> Outcome:
    return guarded(lambda: curation(ws, actor).accept(suggestion_id, force=force))


def reject(ws: Workspace, actor: Actor, suggestion_id: int) -> Outcome:
    return guarded(lambda: curation(ws, actor).reject(suggestion_id))
