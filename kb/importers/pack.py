"""Content packs: one ``.zip`` a colleague can email, opened defensively.

A pack is untrusted input: entries that would land outside the extraction folder (``../``,
absolute paths, symlinks) are refused, and so are archives whose size or ratio looks like a bomb.
"""

from __future__ import annotations

import json
import stat
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from kb.errors import LoadError
from kb.loader import LoadResult, load_folder

PACK_FORMAT = "expert-answers-pack"
MAX_ENTRIES = 20_000
MAX_ENTRY_BYTES = 20_000_000
MAX_TOTAL_BYTES = 500_000_000
MAX_RATIO = 200


class PackError(ValueError):
    pass


def is_pack(path: Path) -> bool:
    return path.is_file() and zipfile.is_zipfile(path)


def _safe_members(zf: zipfile.ZipFile, source: str, errors: list[LoadError]) -> list[zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise PackError(f"{source}: {len(infos):,} entries; the limit is {MAX_ENTRIES:,}")
    total = 0
    keep = []
    for info in infos:
        name = info.filename
        pure = PurePosixPath(name.replace("\\", "/"))
        mode = info.external_attr >> 16
        if pure.is_absolute() or ".." in pure.parts or (len(name) > 1 and name[1] == ":"):
            errors.append(LoadError(f"{source}!{name}", "refused: path leaves the pack folder"))
            continue
        if stat.S_ISLNK(mode):
            errors.append(LoadError(f"{source}!{name}", "refused: symbolic link"))
            continue
        if info.is_dir():
            continue
        if info.file_size > MAX_ENTRY_BYTES:
            errors.append(
                LoadError(f"{source}!{name}", f"refused: {info.file_size:,} bytes; the limit is {MAX_ENTRY_BYTES:,}")
            )
            continue
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            errors.append(LoadError(f"{source}!{name}", f"refused: compression ratio above {MAX_RATIO}:1 (zip bomb?)"))
            continue
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise PackError(f"{source}: unpacks to more than {MAX_TOTAL_BYTES:,} bytes (the limit)")
        keep.append(info)
    return keep


def load_pack(path: Path, stage_keys: Iterable[str]) -> LoadResult:
    source = str(path)
    errors: list[LoadError] = []
    with tempfile.TemporaryDirectory(prefix="ea-pack-") as tmp, zipfile.ZipFile(path) as zf:
        root = Path(tmp).resolve()
        try:
            members = _safe_members(zf, source, errors)
        except PackError as exc:
            return LoadResult(errors=[LoadError(source, str(exc))], files=1)
        for info in members:
            target = (root / info.filename).resolve()
            if not target.is_relative_to(root):
                errors.append(LoadError(f"{source}!{info.filename}", "refused: path leaves the pack folder"))
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, target.open("wb") as dst:
                remaining = MAX_ENTRY_BYTES + 1
                while chunk := src.read(min(1 << 20, remaining)):
                    dst.write(chunk)
                    remaining -= len(chunk)
                    if remaining <= 0:
                        break
        manifest = root / "manifest.json"
        if manifest.is_file():
            try:
                meta = json.loads(manifest.read_text(encoding="utf-8"))
                if meta.get("format") != PACK_FORMAT:
                    errors.append(LoadError(f"{source}!manifest.json", f"not an {PACK_FORMAT} manifest", field="format"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                errors.append(LoadError(f"{source}!manifest.json", f"unreadable manifest: {exc}"))
        content = root / "content" if (root / "content").is_dir() else root
        result = load_folder(content, stage_keys)
        for rec_err in result.errors:
            rel = Path(rec_err.source).resolve().relative_to(root).as_posix()
            errors.append(LoadError(f"{source}!{rel}", rec_err.message, rec_err.line, rec_err.field))
        records = [_relabel(r, source, root) for r in result.records]
        return LoadResult(records=records, errors=errors, files=result.files)


def _relabel(record, source: str, root: Path):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    rel = Path(record.source).resolve().relative_to(root).as_posix()
    return replace(record, source=f"{source}!{rel}")
