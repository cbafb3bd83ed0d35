"""Every filesystem location the app uses, resolved in one place.

Precedence: an explicit ``--home`` argument, then ``EXPERT_ANSWERS_HOME``, then the platform's
user data dir (platformdirs). Tests and the CLI point this at a temporary folder; nothing else in
the code base builds a path under the home by hand.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from platformdirs import user_data_path

APP_NAME = "ExpertAnswers"
APP_AUTHOR = "ExpertAnswers"
HOME_ENV = "EXPERT_ANSWERS_HOME"
DB_URL_ENV = "EXPERT_ANSWERS_DB_URL"

#: The demo knowledge base shipped with the source tree (``content/`` next to ``kb/``).
BUNDLED_CONTENT = Path(__file__).resolve().parent.parent / "content"


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return user_data_path(APP_NAME, APP_AUTHOR)


@dataclass(frozen=True)
class Home:
    """A data home: database, search index, backups and settings for one user."""

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root).expanduser())

    @classmethod
    def resolve(cls, explicit: str | os.PathLike[str] | None = None) -> "Home":
        return cls(resolve_home(explicit))

    @property
    def db_path(self) -> Path:
        return self.root / "expert-answers.sqlite3"

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    @property
    def synonyms_path(self) -> Path:
        """Experts edit the synonyms in their home; the bundled list seeds it on first use."""
        return self.root / "synonyms.txt"

    @property
    def stages_path(self) -> Path:
        return self.root / "stages.toml"

    @property
    def crm_stages_path(self) -> Path:
        """CRM pipeline stage → journey stage (``kb deal import``); written with defaults on first use."""
        return self.root / "crm_stages.toml"

    def pending_marker(self, pid: int) -> Path:
        """Present while process ``pid`` has a database write not yet in the index (see Workspace)."""
        return self.root / f"index-pending.{pid}"

    def abandoned_markers(self) -> list[Path]:
        """Markers left by processes that no longer run: their last write may be missing from the index.

        A live writer holds an OS lock on its marker (:meth:`hold_marker`), released by the OS
        when it dies however it dies. Asking the OS about the pid instead was not portable: on
        Windows ``os.kill(pid, 0)`` terminates the process it meant to test, and pids are reused."""
        out = []
        for marker in self.root.glob("index-pending.*"):
            probe = FileLock(marker)
            try:
                probe.acquire(timeout=0)
            except Timeout:
                continue  # a running process is between its commit and its index update
            except OSError:
                continue  # cannot tell: never rebuild under a live writer's feet
            probe.release()
            out.append(marker)
        return out

    def hold_marker(self, pid: int) -> FileLock:
        """Create this process's pending marker, locked until released (see :meth:`abandoned_markers`).

        One lock object per path, shared by the process's threads and counted: a sync and a save
        can both be between their commit and their index update at the same time."""
        lock = FileLock(self.pending_marker(pid), is_singleton=True, thread_local=False)
        lock.acquire(timeout=0)
        return lock

    @property
    def backups_dir(self) -> Path:
        return self.root / "backups"

    def db_url(self) -> str:
        return os.environ.get(DB_URL_ENV) or f"sqlite:///{self.db_path}"

    def ensure(self) -> "Home":
        """Create the folder; a path that cannot be one is said in one line (not a traceback)."""
        if self.root.exists() and not self.root.is_dir():
            raise ValueError(f"the data home {self.root} is a file, not a folder: pass --home DIR for a folder")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except (NotADirectoryError, FileExistsError) as exc:
            raise ValueError(f"the data home {self.root} cannot be created: {exc.filename or self.root} is not a "
                             "folder") from None
        return self
