"""Load a folder of Markdown content: every good file loads, every bad one is reported precisely."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kb.content_format import field_line, parse_markdown, slugify
from kb.progress import ProgressFn, no_progress
from kb.errors import ContentError, LoadError
from kb.records import ItemRecord

SKIP_NAMES = {"readme.md", "changelog.md", "license.md"}
MAX_FILE_BYTES = 2_000_000


@dataclass
class LoadResult:
    records: list[ItemRecord] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    files: int = 0


def content_files(root: Path) -> list[Path]:
    """Markdown files under ``root`` in a stable order; READMEs and ``_drafts``-style names skipped."""
    return sorted(
        p
        for p in root.rglob("*.md")
        if p.is_file()
        and p.name.lower() not in SKIP_NAMES
        and not any(part.startswith((".", "_")) for part in p.relative_to(root).parts)
    )


def load_folder(root: Path, stage_keys: Iterable[str], progress: ProgressFn = no_progress) -> LoadResult:
    return load_files(content_files(root), root, stage_keys, progress)


def load_files(
    paths: Iterable[Path], root: Path, stage_keys: Iterable[str], progress: ProgressFn = no_progress
) -> LoadResult:
    stage_keys = tuple(stage_keys)
    paths = list(paths)
    result = LoadResult()
    seen: dict[str, str] = {}
    for path in paths:
        if result.files % 200 == 0:
            progress(result.files, len(paths), "Reading files")
        result.files += 1
        rel = path.relative_to(root).as_posix()
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ContentError(f"file is larger than the {MAX_FILE_BYTES // 1_000_000} MB limit")
            text = path.read_text(encoding="utf-8")
            record = parse_markdown(
                text, source=str(path), stage_keys=stage_keys, default_id=slugify(path.stem, 200)
            )
        except UnicodeDecodeError as exc:
            result.errors.append(LoadError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
            continue
        except ContentError as exc:
            result.errors.append(LoadError(str(path), str(exc), exc.line, exc.field))
            continue
        except OSError as exc:
            result.errors.append(LoadError(str(path), f"cannot read: {exc.strerror}"))
            continue
        if record.id in seen:
            result.errors.append(
                LoadError(str(path), f"duplicate id {record.id!r} (already used by {seen[record.id]})",
                          field_line(text, "id"), "id")
            )
            continue
        seen[record.id] = rel
        result.records.append(record)
    return result
