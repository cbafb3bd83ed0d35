"""Checks made before a file is opened by a parser: size cap, and the zip bombs Office files can hide.

DOCX, PPTX and XLSX are zip archives. A parser trusts the sizes they declare and inflates members
into memory, so a 40 kB file can ask for gigabytes. We read the central directory (no inflating)
and refuse a file whose members add up to too much or compress implausibly well. Nothing in a file
is ever run: macros (``vbaProject.bin``), embedded objects (``oleObject*.bin``) and external links
are skipped by the converters, which read text only.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from kb.documents.model import DocumentError

MAX_FILE_BYTES = 100 * 1024 * 1024  # 100 MiB: bigger than any real datasheet or deck we read
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024  # all members of one Office file, inflated
MAX_MEMBER_RATIO = 200  # compressed → inflated; real XML compresses ~10-30×
MAX_MEMBERS = 20_000


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):,.0f} MB"


def check_size(path: Path, limit: int = MAX_FILE_BYTES) -> int:
    size = path.stat().st_size
    if size > limit:
        raise DocumentError(f"file is {_mb(size)}; the limit is {_mb(limit)} (split it or export the part you need)")
    if size == 0:
        raise DocumentError("file is empty")
    return size


def check_office_zip(path: Path, kind: str) -> None:
    """Refuse encrypted Office files (an OLE container, not a zip) and zip bombs, without inflating."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentError(
            f"password-protected or legacy binary {kind.upper()} (an OLE container, not Office Open XML); "
            "remove the password or save it as ." + kind
        )
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise DocumentError(f"not a valid .{kind} file (corrupt zip: {exc})") from None
    if len(infos) > MAX_MEMBERS:
        raise DocumentError(f"zip holds {len(infos):,} parts; the limit is {MAX_MEMBERS:,} (possible zip bomb)")
    total = 0
    for info in infos:
        total += info.file_size
        if total > MAX_UNZIPPED_BYTES:
            raise DocumentError(
                f"unpacks to more than {_mb(MAX_UNZIPPED_BYTES)} (zip bomb?): refused before opening"
            )
        if info.compress_size and info.file_size / info.compress_size > MAX_MEMBER_RATIO and info.file_size > 1_000_000:
            raise DocumentError(
                f"part {info.filename!r} inflates {info.file_size // info.compress_size:,}× "
                f"to {_mb(info.file_size)} (zip bomb?): refused before opening"
            )
