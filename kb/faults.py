"""Disk and permission faults, told in one line that names the home and the cause.

A full disk, a read-only home or one the user may not write used to end in a traceback from
SQLite or Whoosh, three layers below what the rep did. Every front end asks :func:`storage_fault`
about an exception and, if it is one of these, says so plainly; what was already committed is
untouched (SQLite rolls the failed transaction back, and the log queue keeps unsent entries).
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
_READ_ONLY = (errno.EROFS,)
_DENIED = (errno.EACCES, errno.EPERM)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or any(e is s for s in seen):
            continue
        seen.append(e)
        todo += [e.__cause__, e.__context__, getattr(e, "orig", None)]
    return seen


#: Below this many free bytes, an I/O error writing the home is the disk being full (SQLite
#: reports a full disk during a WAL write as a plain "disk I/O error").
NEARLY_FULL = 1_000_000


def _free(home: Path | None) -> int | None:
    probe = home
    while probe is not None and not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        return shutil.disk_usage(probe).free if probe is not None else None
    except OSError:
        return None


def storage_fault(exc: BaseException, home: Path | None = None) -> str | None:
    """"the disk is full", "it is read-only", "permission denied", or None for anything else."""
    for e in _chain(exc):
        if isinstance(e, sqlite3.Error):
            code = getattr(e, "sqlite_errorcode", 0) & 0xFF  # the primary result code
            if code == 13:  # SQLITE_FULL
                return "the disk is full"
            if code == 8:  # SQLITE_READONLY
                return "it is read-only"
            if code == 10:  # SQLITE_IOERR: a full disk, or a real I/O fault
                free = _free(home)
                return "the disk is full" if free is not None and free < NEARLY_FULL else "a disk I/O error"
        if isinstance(e, OSError) and e.errno in _FULL:
            return "the disk is full"
        if isinstance(e, OSError) and e.errno in _READ_ONLY:
            return "it is read-only"
        if isinstance(e, OSError) and e.errno in _DENIED:
            return "permission denied"
        if isinstance(e, sqlite3.OperationalError):
            text = str(e).lower()
            if "disk is full" in text or "disk i/o error" in text and "full" in text:
                return "the disk is full"
            if "readonly database" in text or "read-only" in text:
                return "it is read-only"
            if "unable to open database file" in text:
                return "it cannot be written (read-only, or permission denied)"
    return None


def describe(exc: BaseException, home: Path | str) -> str | None:
    """The one line for a storage fault in ``home``, or None when ``exc`` is not one."""
    cause = storage_fault(exc, Path(home))
    if cause is None:
        return None
    return (f"cannot write to the data folder {home}: {cause}. Nothing already saved was lost; "
            + ("free some space and try again" if "full" in cause else
               "use a folder you can write (--home DIR or EXPERT_ANSWERS_HOME)"))
