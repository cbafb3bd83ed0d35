"""Where a laptop keeps its team-server password: never in the home, never in plain text there.

We use PostgreSQL's own ``.pgpass`` mechanism (``PGPASSFILE``, one ``host:port:db:user:password``
line, file mode 0600, refused by libpq otherwise) rather than a keyring: it works headless (CI,
servers, Linux without a secret service) and libpq reads it directly, so the password never
appears in the home's database, settings or the URL we store.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy.engine import make_url


def pgpass_path(home_root: Path) -> Path:
    """Kept beside the home (not inside it) so backups and exports of the home never carry it."""
    return home_root.parent / f".{home_root.name}.pgpass"


def _esc(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def _key(url: str) -> str:
    u = make_url(url)
    return ":".join(_esc(str(x)) for x in (u.host or "localhost", u.port or 5432, u.database or "*", u.username))


def store_password(home_root: Path, url: str, password: str) -> Path:
    """Write (or replace) the line for this server/user at 0600 and return the file."""
    key = _key(url)
    path = pgpass_path(home_root)
    lines = [ln for ln in (path.read_text().splitlines() if path.exists() else []) if not ln.startswith(key + ":")]
    lines.append(f"{key}:{_esc(password)}")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    os.chmod(path, 0o600)
    return path


def connect_args(home_root: Path, url: str) -> dict[str, str]:
    """psycopg connection arguments with this member's password from the home's password file.

    Given explicitly, not as ``passfile``: libpq prefers ``PGPASSWORD`` to a password file, so a
    team admin's exported ``PGPASSWORD`` would otherwise sign every member in with the wrong one."""
    path = pgpass_path(home_root)
    if not path.exists():
        return {}
    prefix = _key(url) + ":"
    for line in path.read_text().splitlines():
        if line.startswith(prefix):
            return {"password": re.sub(r"\\(.)", r"\1", line[len(prefix):])}
    return {"passfile": str(path)}
