"""Index generations on disk, and which processes still read each one.

``index_dir/CURRENT`` names the live ``gen-NNNNNN`` directory; a rebuild (``kb reindex``, an
automatic rebuild, another laptop's sync in direct mode) writes a new generation and switches
``CURRENT``. Every process that opens a generation holds a lock on a reference file of its own
inside it (``gen-NNNNNN/readers/<pid>-<token>.lock``): an OS lock (``filelock``: ``flock`` on
Linux and macOS, ``LockFileEx`` on Windows), so it is released when the process ends, even by
SIGKILL. A generation is deleted only when nobody holds a lock in it — before, the next ``kb``
command removed the generation the open app was reading, and its search went quietly empty.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from filelock import FileLock, Timeout

CURRENT = "CURRENT"
READERS = "readers"


def current_dir(index_dir: Path) -> Path | None:
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    d = index_dir / name
    return d if name and d.is_dir() else None


def new_generation_dir(index_dir: Path) -> Path:
    """A fresh ``gen-NNNNNN`` directory; two processes rebuilding at once get different ones."""
    while True:
        nums = [int(p.name[4:]) for p in index_dir.glob("gen-*") if p.name[4:].isdigit()]
        d = index_dir / f"gen-{max(nums, default=0) + 1:06d}"
        try:
            d.mkdir()
            return d
        except FileExistsError:
            continue


def switch_current(index_dir: Path, gen_dir: Path) -> None:
    """Point ``CURRENT`` at ``gen_dir``: a unique temporary file, flushed to disk, renamed over."""
    tmp = index_dir / f"{CURRENT}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(gen_dir.name)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT)


def hold(gen_dir: Path) -> FileLock:
    """Mark ``gen_dir`` as read by this process until the returned lock is released."""
    readers = gen_dir / READERS
    readers.mkdir(exist_ok=True)
    lock = FileLock(readers / f"{os.getpid()}-{uuid.uuid4().hex[:8]}.lock")
    lock.acquire(timeout=0)
    return lock


def release(lock: FileLock | None) -> None:
    if lock is None:
        return
    lock.release()
    Path(lock.lock_file).unlink(missing_ok=True)


def in_use(gen_dir: Path) -> bool:
    """Does any live process read ``gen_dir``? Reference files of dead readers are removed."""
    readers = gen_dir / READERS
    if not readers.is_dir():
        return False
    busy = False
    for ref in readers.glob("*.lock"):
        probe = FileLock(ref)
        try:
            probe.acquire(timeout=0)
        except Timeout:
            busy = True
            continue
        except OSError:  # unreadable: count it as held rather than delete a live reader's index
            busy = True
            continue
        probe.release()
        ref.unlink(missing_ok=True)
    return busy


def cleanup(index_dir: Path, keep: set[str]) -> list[str]:
    """Delete every generation not in ``keep`` that no process reads; returns what was removed."""
    removed = []
    for gen_dir in sorted(p for p in index_dir.glob("gen-*") if p.is_dir() and p.name not in keep):
        if in_use(gen_dir):
            continue
        shutil.rmtree(gen_dir, ignore_errors=True)  # Windows: a file still open → retried next time
        removed.append(gen_dir.name)
    return removed
