"""Start-up: parse arguments, show the window at once, open the workspace in the background.

Why in this order: the rep's first need is a focused search box. The window appears before the
database, index and (on first launch) the import of the bundled content are ready; the workspace
is built exactly once, on the one writer (a first run writes the whole knowledge base), and handed
to the window — there are no globals to find it. Closing the window cancels that work through its
progress callback, so the app never waits for an import nobody will see.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from threadpoolctl import threadpool_limits

from desktop import preflight
from desktop.main_window import MainWindow
from desktop.smoke import Smoke
from desktop.theme import force_dark
from desktop.workers import describe
from indexer.app import content, semantic
from indexer.app.errors import Cancelled, describe_fault
from kb.paths import Home
from kb.progress import ProgressFn, cancellable

log = logging.getLogger(__name__)
SCREENSHOT_TIMEOUT_MS = 180_000


def parse_args(argv: Sequence[str] | None) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="expert-answers", description="Expert Answers desktop app")
    parser.add_argument("--home", metavar="DIR", help="data folder (default: $EXPERT_ANSWERS_HOME or user data dir)")
    parser.add_argument("--no-demo", action="store_true", help="first launch imports the content only, no demo deals")
    parser.add_argument("--content", metavar="DIR", type=Path,
                        help="first launch imports this content folder (or pack, CSV) instead of the bundled demo")
    parser.add_argument("--screenshot", metavar="PATH", help="render the window after loading, save a PNG, quit")
    parser.add_argument("--query", metavar="TEXT", help="start with this question in the search box")
    parser.add_argument("--deal", metavar="ID", help="start with this deal selected")
    parser.add_argument("--dark", action="store_true", help="force a dark palette (to check dark mode)")
    parser.add_argument("--smoke", action="store_true", help="open, search, log one answer, quit (installation check)")
    return parser.parse_known_args(list(sys.argv[1:] if argv is None else argv))


def settings_for(home: Home) -> QSettings:
    """Window state lives in the home, next to the data it belongs to (tests get their own)."""
    return QSettings(str(home.root / "desktop.ini"), QSettings.Format.IniFormat)


class Startup:
    """Opens the workspace in a worker and, for ``--screenshot``, saves the window once it is
    fully populated (results, answer and suggestions painted)."""

    def __init__(self, app: QApplication, window: MainWindow, args: argparse.Namespace, home: Home) -> None:
        self.app, self.window, self.args, self.home = app, window, args, home
        self.ws: Any = None
        self.exit_code = 0
        self._waiting: set[str] = set()

    def start(self) -> None:
        seed = content.SEED_CONTENT if self.args.no_demo or self.args.content else content.SEED_DEMO
        if self.args.screenshot:
            self._waiting = {"overview"} | ({"results"} if self.args.query else set())
            self.window.overviewLoaded.connect(lambda _ov: self._ready("overview"))
            self.window.resultsShown.connect(self._results)
            self.window.answerShown.connect(lambda _id: self._ready("answer"))
            self.window.suggestionsShown.connect(lambda _n: self._ready("suggestions"))
            QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, lambda: self._fail("timed out waiting for the window to load"))
        self.window.show_progress(0, 0, "Opening the knowledge base")
        home, source, cancel = self.home, self.args.content, self.window.cancel

        def open_home(progress: ProgressFn) -> Any:
            semantic.load_model()  # first: its build peak then never adds to a big home's vectors
            ws = content.open_home(home, seed=seed, progress=cancellable(progress, cancel), content=source)
            # Before the window gets the home: vectors checked against the items and the shipped
            # ones adopted, so the status bar says "Words + meaning" from its first paint.
            semantic.catch_up(ws)
            return ws

        self.window.writer.submit(open_home, on_done=self._opened, on_failed=self._fail,
                                  on_progress=self.window.show_progress)  # fmt: skip

    def _opened(self, ws: Any) -> None:
        self.ws = ws
        self.window.set_workspace(ws)
        self.window.writer.submit(content.daily_backup, self.home, on_failed=self._backup_failed)
        if self.args.query:
            self.window.search_for(self.args.query)

    def _backup_failed(self, error: BaseException) -> None:
        """Said where the rep looks, not only in a log (the partial copy is already removed)."""
        why = describe_fault(error, self.home.root) or f"{type(error).__name__}: {error}"
        self.window.statusBar().showMessage(f"Today's backup was not taken — {why}", 60_000)

    def _results(self, count: int) -> None:
        if "results" in self._waiting and count:
            self._waiting |= {"answer", "suggestions"}
        self._ready("results")

    def _ready(self, what: str) -> None:
        self._waiting.discard(what)
        if self.args.screenshot and not self._waiting:
            self._waiting = {"done"}  # take it once
            QTimer.singleShot(0, self._shoot)

    def _shoot(self) -> None:
        path = Path(self.args.screenshot)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not self.window.grab().save(str(path), "PNG"):
            self._fail(f"could not write {path}")
            return
        print(f"screenshot saved to {path}")
        self.window.close()
        self.app.exit(self.exit_code)

    def _fail(self, error: BaseException | str) -> None:
        if isinstance(error, Cancelled):
            return  # the window was closed while the knowledge base was opening
        message = error if isinstance(error, str) else (describe_fault(error, self.home.root) or describe(error))
        log.error("%s", message)
        self.exit_code = 1
        if self.args.screenshot:
            print(f"error: {message}", file=sys.stderr)
            self.app.exit(1)
            return
        self.window.progress.finish()
        QMessageBox.critical(self.window, "Expert Answers", f"The knowledge base could not be opened:\n{message}")


def main(argv: Sequence[str] | None = None) -> int:
    args, qt_args = parse_args(argv)
    if QApplication.instance() is None and (reason := preflight.problem()):
        print(reason, file=sys.stderr)  # one clear line instead of Qt's abort
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # One BLAS thread per Python thread: the background embedding and the rep's searches then each
    # get a core, instead of both fighting over two (a query's vector took 0.5 s under contention).
    threadpool_limits(limits=1, user_api="blas")
    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    assert isinstance(app, QApplication)
    app.setApplicationName("Expert Answers")
    app.setOrganizationName("ExpertAnswers")
    if args.dark:
        force_dark(app)
    home = Home.resolve(args.home).ensure()
    lock = QLockFile(str(home.root / "app.lock"))  # a dead holder's stale lock is taken over
    if not lock.tryLock(200) and lock.error() != QLockFile.LockError.LockFailedError:
        # Not another window: the folder cannot be written (read-only, or not the user's).
        message = (f"Expert Answers cannot write to its data folder:\n{home.root}\n\n"
                   f"({'permission denied or read-only' if lock.error() == QLockFile.LockError.PermissionError else 'unknown error'})."
                   " Start with --home DIR for a folder you can write.")
        print(message.replace("\n\n", " ").replace("\n", " "), file=sys.stderr)
        if not args.screenshot:
            QMessageBox.critical(None, "Expert Answers", message)
        return 1
    if lock.error() == QLockFile.LockError.LockFailedError:
        QMessageBox.warning(
            None, "Expert Answers",
            f"Expert Answers is already open on this data folder:\n{home.root}\n\n"
            "Switch to that window, or start with --home DIR for another folder.",
        )  # fmt: skip
        return 1
    if args.deal:
        settings_for(home).setValue("deal/last", args.deal)
    window = MainWindow(settings_for(home))
    window.show()
    window.activateWindow()
    startup = Startup(app, window, args, home)
    smoke = Smoke(app, window) if args.smoke else None
    startup.start()
    code = app.exec()
    if smoke is not None:
        code = code or smoke.exit_code
    window.shutdown()
    if startup.ws is not None:
        startup.ws.close()
    lock.unlock()
    return code or startup.exit_code
