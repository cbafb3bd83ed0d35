"""The app's memory over a rep's day: RSS of the real search window across N searches.

Drives the main window offscreen (no display needed): each search goes through the search box,
the read runner, the index and the painted result list, exactly as typing does, then selects the
first answer (item load and "asked next" run too). Prints RSS every 10% and the growth from the
first 10% to the end; a leak of anything per task shows as steady growth.

    QT_QPA_PLATFORM=offscreen python benchmarks/rss_searches.py --searches 2000 [--home DIR]
"""

from __future__ import annotations

from indexer.app import content as app_content
import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def questions(ws: object, count: int) -> list[str]:
    """The knowledge base's own questions, cycled: every search finds and shows answers."""
    titles = [r.title for r in app_content.records(ws, include_archived=False)]  # type: ignore[attr-defined]
    return [titles[i % len(titles)] for i in range(count)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--searches", type=int, default=2000)
    parser.add_argument("--home", type=Path, help="data home (default: a fresh one with the demo content)")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from desktop.main_window import MainWindow
    from indexer.app.content import SEED_CONTENT, open_home

    app = QApplication.instance() or QApplication(sys.argv[:1])
    home = args.home or Path(tempfile.mkdtemp(prefix="ea-rss-")) / "home"
    ws = open_home(home, seed=SEED_CONTENT)
    texts = questions(ws, args.searches)
    win = MainWindow(QSettings(str(home / "rss-bench.ini"), QSettings.Format.IniFormat))
    win.resize(1280, 820)
    win.show()
    win.set_workspace(ws)
    shown = {"n": 0}
    win.resultsShown.connect(lambda _n: shown.__setitem__("n", shown["n"] + 1))
    samples: list[tuple[int, float]] = []
    started = time.perf_counter()
    step = max(args.searches // 10, 1)
    for n, text in enumerate(texts, start=1):
        target = shown["n"] + 1
        win.search_for(text)
        while shown["n"] < target:
            app.processEvents()
            time.sleep(0.0005)
        if n % step == 0:
            app.processEvents()
            samples.append((n, round(rss_mb(), 1)))
            print(f"  {n:>6} searches  RSS {samples[-1][1]:.1f} MB", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started
    win.close()
    win.shutdown()
    ws.close()
    first, last = samples[0][1], samples[-1][1]
    print(json.dumps({
        "searches": args.searches, "seconds": round(elapsed, 1), "rss_mb": dict(samples),
        "growth_mb_after_first_10pct": round(last - first, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
