"""Where the app's memory goes: resident memory of the real search window, stage by stage.

Opens a home in the main window offscreen, as ``expert-answers`` does (the home opened by the
same worker, the same background preparation of the meaning index), then drives searches through
the search box for ``--minutes`` of simulated use (a search every ``--every`` seconds, its first
answer opened). Prints RSS after each stage, split into anonymous memory (heap, arrays, model)
and file-backed pages (mapped libraries), the peak, and the largest mappings by file.

    QT_QPA_PLATFORM=offscreen python benchmarks/app_memory.py                # demo home, fresh
    QT_QPA_PLATFORM=offscreen python benchmarks/app_memory.py --home DIR     # an existing home (87k: kb bench --keep)
    QT_QPA_PLATFORM=offscreen python benchmarks/app_memory.py --minutes 10 --every 2

Run it twice on one home for a second launch (the first one imports the demo content).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def rollup() -> dict[str, float]:
    """RSS, anonymous and file-backed resident memory in MB (from /proc/self/smaps_rollup), and
    the peak RSS so far."""
    fields = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        m = re.match(r"(\w+):\s+(\d+) kB", line)
        if m:
            fields[m.group(1)] = int(m.group(2)) / 1024
    return {"rss": round(fields["Rss"], 1), "anon": round(fields["Anonymous"], 1),
            "file": round(fields["Rss"] - fields["Anonymous"], 1), "peak so far": peak_mb()}  # fmt: skip


def largest_files(n: int = 8) -> list[tuple[str, float]]:
    """Resident MB per mapped file (libraries), largest first."""
    per: Counter[str] = Counter()
    current = None
    for line in Path("/proc/self/smaps").read_text().splitlines():
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            parts = line.split(None, 5)
            current = Path(parts[5]).name if len(parts) == 6 and parts[5].startswith("/") else None
        elif current and line.startswith("Rss:"):
            per[current] += int(line.split()[1]) / 1024
    return [(name, round(mb, 1)) for name, mb in per.most_common(n)]


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, help="data home (default: a fresh one with the demo content)")
    parser.add_argument("--minutes", type=float, default=2.0, help="simulated use after the home is ready")
    parser.add_argument("--every", type=float, default=1.0, help="seconds between searches")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    stages: dict[str, dict[str, float]] = {"python": rollup()}

    from PySide6.QtWidgets import QApplication
    from threadpoolctl import threadpool_limits

    from desktop.app import Startup, parse_args, settings_for
    from desktop.main_window import MainWindow
    from kb.paths import Home

    threadpool_limits(limits=1, user_api="blas")  # as desktop.app.main runs the window
    stages["imports"] = rollup()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    home = Home(args.home or Path(tempfile.mkdtemp(prefix="ea-mem-")) / "home").ensure()
    window = MainWindow(settings_for(home))
    window.resize(1280, 820)
    window.show()
    app.processEvents()
    stages["window"] = rollup()
    startup = Startup(app, window, parse_args(["--home", str(home.root)])[0], home)
    opened = {"ready": False, "meaning": None}
    window.workspaceReady.connect(lambda: opened.__setitem__("ready", True))
    window.meaning.ready.connect(lambda ok: opened.__setitem__("meaning", ok))
    started = time.perf_counter()
    startup.start()
    while not opened["ready"]:
        app.processEvents()
        time.sleep(0.005)
    stages["home open"] = rollup()
    while opened["meaning"] is None:
        app.processEvents()
        time.sleep(0.005)
    stages["meaning ready"] = rollup()
    ready_s = time.perf_counter() - started

    titles = QUESTIONS
    shown = {"n": 0}
    window.resultsShown.connect(lambda _n: shown.__setitem__("n", shown["n"] + 1))
    end = time.perf_counter() + args.minutes * 60
    searches = 0
    while time.perf_counter() < end:
        target = shown["n"] + 1
        window.search_for(titles[searches % len(titles)] + (" pricing" if searches % 3 else ""))
        while shown["n"] < target:
            app.processEvents()
            time.sleep(0.001)
        searches += 1
        pause = time.perf_counter() + args.every
        while time.perf_counter() < pause:
            app.processEvents()
            time.sleep(0.01)
    stages[f"after {args.minutes:g} min ({searches} searches)"] = rollup()
    report = {"home": str(home.root), "meaning_ready_s": round(ready_s, 1), "stages_mb": stages,
              "peak_rss_mb": peak_mb(), "largest_mapped_files_mb": largest_files()}  # fmt: skip
    window.close()
    window.shutdown()
    if startup.ws is not None:
        startup.ws.close()
    print(json.dumps(report, indent=1))
    return 0


#: What reps ask on calls (not read from the home: listing 87k items would itself be the peak).
QUESTIONS = [
    "How much does a seat cost per month", "Do you support single sign-on with Okta", "Where is our data stored",
    "Can we get invoices in Norwegian kroner", "How long does a migration from Dynamics take",
    "What happens to our data if we cancel", "Is there an API rate limit", "Do you have a SOC 2 report",
    "How often are backups taken", "Can we import our old opportunities", "what is covered by the life insurance policy",
    "does my homeowners insurance cover water damage", "how do I cancel my annuity", "is disability insurance taxable",
]


if __name__ == "__main__":
    sys.exit(main())
