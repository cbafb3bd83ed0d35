"""The Markdown + YAML front-matter format experts write, and its exact inverse for export.

One item per file. A Q&A pair has ``question:``; an article has ``title:``. Keys we do not know
are kept in ``extra`` and written back on export, so tools that add their own keys lose nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import frontmatter
import yaml

from kb.errors import ContentError
from kb.records import DEFAULT_REVIEW_DAYS, KINDS, STATUSES, ItemRecord

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
KNOWN_KEYS = (
    "id", "kind", "question", "title", "phrasings", "area", "tags", "stages",
    "owner", "status", "verified_on", "review_days", "created", "updated",
)  # fmt: skip


def slugify(text: str, max_len: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:max_len].rstrip("-") or "item"


def field_line(text: str, field: str) -> int | None:
    """The 1-based line where ``field:`` appears in the front matter, for error messages."""
    pattern = re.compile(rf"^\s*{re.escape(field)}\s*:", re.MULTILINE)
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def as_list(value: Any, field: str, *, separators: str = ",;") -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        parts: Iterable[Any] = re.split(f"[{re.escape(separators)}]", value)
    elif isinstance(value, (list, tuple)):
        parts = value
    else:
        raise ContentError(f"expected a list, got {type(value).__name__}", field=field)
    out = []
    for part in parts:
        if isinstance(part, (dict, list)):
            raise ContentError(f"list entries must be text, got {type(part).__name__}", field=field)
        s = str(part).strip()
        if s:
            out.append(s)
    return tuple(out)


def as_date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ContentError(f"not a date (YYYY-MM-DD): {value!r}", field=field) from None


def as_datetime(value: Any, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return datetime.fromisoformat(str(value).strip()).replace(tzinfo=None)
    except ValueError:
        raise ContentError(f"not a timestamp: {value!r}", field=field) from None


def record_from_fields(
    meta: dict[str, Any],
    body: str,
    *,
    stage_keys: Iterable[str],
    default_id: str,
    source: str,
) -> ItemRecord:
    """Validate front-matter-like fields into an ItemRecord (shared by Markdown and CSV)."""
    stage_set = set(stage_keys)
    item_id = str(meta.get("id") or default_id).strip()
    if not ID_RE.match(item_id):
        raise ContentError(f"invalid id {item_id!r} (letters, digits, '.', '_' and '-')", field="id")
    kind = str(meta.get("kind") or ("article" if meta.get("title") and not meta.get("question") else "qa"))
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise ContentError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}", field="kind")
    title_key = "question" if kind == "qa" else "title"
    title = str(meta.get(title_key) or meta.get("title") or meta.get("question") or "").strip()
    if not title:
        raise ContentError(f"missing {title_key}", field=title_key)
    stages = as_list(meta.get("stages"), "stages")
    for stage in stages:
        if stage not in stage_set:
            raise ContentError(
                f"unknown stage {stage!r}; expected one of {', '.join(sorted(stage_set))}", field="stages"
            )
    status = str(meta.get("status") or "published").strip().lower()
    if status not in STATUSES:
        raise ContentError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}", field="status")
    review = meta.get("review_days", DEFAULT_REVIEW_DAYS)
    try:
        review_days = int(review) if review not in (None, "") else DEFAULT_REVIEW_DAYS
    except (TypeError, ValueError):
        raise ContentError(f"review_days must be a whole number of days, got {review!r}", field="review_days") from None
    if review_days <= 0:
        raise ContentError("review_days must be positive", field="review_days")
    extra = {k: v for k, v in meta.items() if k not in KNOWN_KEYS}
    return ItemRecord(
        id=item_id,
        kind=kind,
        title=title,
        body=body.strip("\n"),
        phrasings=as_list(meta.get("phrasings"), "phrasings", separators="\n|"),
        area=str(meta.get("area") or "").strip(),
        tags=as_list(meta.get("tags"), "tags"),
        stages=stages,
        owner=str(meta.get("owner") or "").strip(),
        status=status,
        verified_on=as_date(meta.get("verified_on"), "verified_on"),
        review_days=review_days,
        extra=_plain(extra),
        source=source,
        created_at=as_datetime(meta.get("created"), "created"),
        updated_at=as_datetime(meta.get("updated"), "updated"),
    )


def _plain(value: Any) -> Any:
    """Make YAML values JSON-storable (dates become ISO strings) so ``extra`` survives the DB."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def parse_markdown(text: str, *, source: str, stage_keys: Iterable[str], default_id: str) -> ItemRecord:
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        # The context mark is where the broken construct began (an unclosed '['), which is
        # where the author must look; the problem mark is where the parser gave up.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        # python-frontmatter passes the text after the opening '---' with its newline, so YAML's
        # 0-based line number is the file's 1-based line number minus one.
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        detail = f"{problem} ({context})" if context else problem
        raise ContentError(f"bad YAML front matter: {detail}", line=line) from None
    if not isinstance(post.metadata, dict) or not post.metadata:
        raise ContentError("no YAML front matter (the file must start with a '---' block)", line=1)
    try:
        return record_from_fields(
            dict(post.metadata), post.content, stage_keys=stage_keys, default_id=default_id, source=source
        )
    except ContentError as exc:
        if exc.line is None and exc.field:
            exc.line = field_line(text, exc.field)
        raise


def front_matter(record: ItemRecord) -> dict[str, Any]:
    """Ordered fields for export; empty optional fields are left out to keep files readable."""
    meta: dict[str, Any] = {"id": record.id, "kind": record.kind}
    meta["question" if record.kind == "qa" else "title"] = record.title
    if record.phrasings:
        meta["phrasings"] = list(record.phrasings)
    if record.area:
        meta["area"] = record.area
    meta["tags"] = list(record.tags)
    meta["stages"] = list(record.stages)
    if record.owner:
        meta["owner"] = record.owner
    meta["status"] = record.status
    if record.verified_on:
        meta["verified_on"] = record.verified_on
    meta["review_days"] = record.review_days
    if record.created_at:
        meta["created"] = record.created_at.replace(microsecond=0).isoformat()
    if record.updated_at:
        meta["updated"] = record.updated_at.replace(microsecond=0).isoformat()
    meta.update(record.extra)
    return meta


def to_markdown(record: ItemRecord) -> str:
    head = yaml.safe_dump(front_matter(record), sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{head}---\n{record.body.strip()}\n"
