"""``expert-answers --smoke``: the shortest real session, for checking an installed or bundled app.

Opens the home (a fresh one imports the bundled content), searches a prospect's question as a rep
would, logs the first answer against the question, and quits — printing one line per step and
exiting 0 only if every step happened. CI runs it on the PyInstaller bundle under Xvfb.
"""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from indexer.app import content, semantic

SMOKE_QUESTION = "do you have a SOC 2 report"
TIMEOUT_MS = 300_000


class Smoke:
    def __init__(self, app: QApplication, window: Any) -> None:
        self.app, self.window = app, window
        self.exit_code = 1
        window.workspaceReady.connect(self._search)
        window.resultsShown.connect(self._results)
        window.logged.connect(self._logged)
        window.writer.failed.connect(lambda exc: self._fail(f"write failed: {exc}"))
        QTimer.singleShot(TIMEOUT_MS, lambda: self._fail("timed out"))

    def _search(self) -> None:
        print(f"smoke: opened {content.stats(self.window.ws)['indexed']} items", flush=True)
        embedder = semantic.backend()  # loaded before the home opened: a bundle missing a library fails here
        if embedder is None:
            self._fail(f"the embedding model did not load ({semantic.status(self.window.ws)})")
            return
        print(f"smoke: search by meaning with {embedder}", flush=True)
        self.window.search_for(SMOKE_QUESTION)

    def _results(self, count: int) -> None:
        if not count:
            return
        hit = self.window.current_hit()
        print(f"smoke: searched {SMOKE_QUESTION!r}: {count} results, first {hit[0].id!r}", flush=True)
        # As a rep on a call: the deal first (a log without one would ask for it), else "No deal" on purpose.
        deals = self.window.deals_model.deals()
        if deals:
            self.window.deal_picker.select_deal(deals[0].id)
        else:
            self.window.deal_picker.picked.emit(None)
        QTimer.singleShot(0, self.window.log_answered)

    def _logged(self, record: Any) -> None:
        print(f"smoke: logged answer #{record.id} at stage {record.stage}", flush=True)
        self.exit_code = 0
        QTimer.singleShot(0, self.window.close)

    def _fail(self, why: str) -> None:
        if self.exit_code == 0:
            return
        print(f"smoke: FAILED: {why}", file=sys.stderr, flush=True)
        self.window.close()
        self.app.exit(1)
