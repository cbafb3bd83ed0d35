"""Importing a team's document folder: pages/s and items/s, peak RSS, and the time until the
items are searchable by words and by meaning (issue 24).

    .venv/bin/python benchmarks/document_import.py [--docs 2000] [--folder DIR] [--no-meaning]

Writes ``--docs`` real documents (reused when ``--folder`` already holds them): 40 % PDF datasheets
of 3 pages, 25 % Word whitepapers of 4 headed sections, 20 % PowerPoint decks of 5 slides with notes,
10 % Confluence-style HTML pages of 3 sections and 5 % RFP workbooks of 10 rows — each section with
a fact found nowhere else ("… code zq<doc>x<section> …"). The import runs in a fresh process on a
fresh home (the one the app and ``kb import`` use) and reports:

- import: files, pages (pages + slides + sheets + pages of HTML), items, seconds, pages/s, items/s;
- words: every item is in the word index when the import returns (it is indexed batch by batch);
  a sample of facts is searched and the share found at rank 1 printed;
- meaning: seconds to embed the new items (``kb embed``'s path) and the share of the sample found
  in the top 3 by meaning alone;
- peak RSS of the importing process (``ru_maxrss``) and the re-import of the unchanged folder.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WORDS = ("ledger pipeline quota territory renewal forecast invoice contract onboarding escalation roadmap "
         "integration connector sandbox audit retention residency encryption workflow dashboard").split()


def fact(doc: int, sec: int) -> str:
    rng = random.Random(doc * 100 + sec)
    a, b, c = rng.sample(WORDS, 3)
    return (f"The {a} {b} for account code zq{doc}x{sec} closes after {rng.randint(2, 90)} days, and the {c} "
            f"team reviews it every quarter before renewal.")


def write_folder(folder: Path, n: int) -> None:
    from tests.documents import makers

    folder.mkdir(parents=True, exist_ok=True)
    for d in range(n):
        kind = d % 20
        if kind < 8:
            pages = [[f"Datasheet {d} part {p}", fact(d, p)] for p in range(3)]
            makers.make_pdf(folder / f"datasheet-{d:05d}.pdf", pages)
        elif kind < 13:
            makers.make_docx(folder / f"whitepaper-{d:05d}.docx", f"Whitepaper {d}",
                             [(f"Topic {s}", [fact(d, s)]) for s in range(4)])  # fmt: skip
        elif kind < 17:
            makers.make_pptx(folder / f"deck-{d:05d}.pptx", [(f"Deck {d} slide {s}", [fact(d, s)], f"Say: case {d}.")
                                                            for s in range(5)])  # fmt: skip
        elif kind < 19:
            parts = [(f"Part {s}", fact(d, s)) for s in range(3)]
            makers.make_html(folder / f"page-{d:05d}.html", f"Wiki page {d}", parts)
        else:
            makers.make_xlsx(folder / f"rfp-{d:05d}.xlsx", {"Answers": [["Category", "Question", "Answer"]] + [
                ["Security", f"What is the review cycle for account code zq{d}x{r}?", fact(d, r)] for r in range(10)]})


def run_import(home: Path, folder: Path, meaning: bool) -> dict[str, object]:
    """In this (fresh) process: import, check words, embed, check meaning; report with peak RSS."""
    from indexer.app import content, search, semantic
    from indexer.app.content import SEED_NONE, open_home

    ws = open_home(home, seed=SEED_NONE)
    t0 = time.perf_counter()
    report = content.import_content(ws, folder).value
    t_words = time.perf_counter() - t0
    out: dict[str, object] = {"files": report.files, "pages": report.pages, "items": report.created,
                              "errors": len(report.errors), "import_s": round(t_words, 1),
                              "pages_per_s": round(report.pages / t_words, 1),
                              "items_per_s": round(report.created / t_words, 1)}  # fmt: skip
    docs = sorted({int(p.stem.split("-")[1]) for p in folder.iterdir() if p.stem.split("-")[-1].isdigit()})
    sample = random.Random(7).sample(docs, min(100, len(docs)))
    hits = 0
    for d in sample:
        top = search.search(ws, f"zq{d}x1", limit=1, mode="lexical").hits
        hits += bool(top) and f"zq{d}x1" in (search.get_item(ws, top[0].id).body if top else "")
    out["words_found_at_1"] = f"{hits}/{len(sample)}"
    out["searchable_by_words_s"] = out["import_s"]
    if meaning:
        t1 = time.perf_counter()
        try:
            embedded = semantic.prepare(ws)
        except semantic.EmbeddingUnavailable as exc:
            out["meaning"] = f"unavailable: {exc}"
        else:
            t_meaning = time.perf_counter() - t1
            out["embedded"] = embedded
            out["embed_s"] = round(t_meaning, 1)
            out["searchable_by_meaning_s"] = round(t_words + t_meaning, 1)
            found = 0
            for d in sample[:50]:
                f = fact(d, 1)
                question = f"how often does the team review {f.split()[1]} {f.split()[2]} {f.split()[-3]}"
                ids = [h.id for h in search.search(ws, question + f" zq{d}x1", limit=3, mode="semantic").hits]
                found += any(f"zq{d}x1" in search.get_item(ws, i).body for i in ids)
            out["meaning_found_in_top3"] = f"{found}/50"
    t2 = time.perf_counter()
    again = content.import_content(ws, folder).value
    out["reimport_unchanged_s"] = round(time.perf_counter() - t2, 1)
    out["reimport_skipped_files"] = again.same_hash
    ws.close()
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--folder", type=Path, help="where the documents are (written there when empty)")
    ap.add_argument("--no-meaning", action="store_true", help="skip embedding (no model installed)")
    ap.add_argument("--_child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._child:
        print(json.dumps(run_import(Path(args._child[0]), Path(args._child[1]), not args.no_meaning)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder or Path(tmp) / "docs"
        if not folder.exists() or not any(folder.iterdir()):
            t = time.perf_counter()
            write_folder(folder, args.docs)
            print(f"wrote {args.docs} documents to {folder} in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        cmd = [sys.executable, __file__, "--_child", str(Path(tmp) / "home"), str(folder)]
        if args.no_meaning:
            cmd.append("--no-meaning")
        result = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    for key, value in result.items():
        print(f"{key:>26}: {value}")


if __name__ == "__main__":
    main()
