"""Which converter reads the team's documents best: markitdown, or pypdf/python-docx/python-pptx/
openpyxl directly (what ``kb.documents`` uses)? Measured on documents this script writes, each
holding known sentences ("facts"), a table, and page/slide boundaries.

    .venv/bin/python benchmarks/document_converters.py [--markitdown-python /tmp/mdvenv/bin/python]

markitdown is installed in its own virtualenv (``python -m venv /tmp/mdvenv && /tmp/mdvenv/bin/pip
install 'markitdown[pdf,docx,pptx,xlsx]'``) so it never enters ours; the script runs it there in a
subprocess and times only the conversion. Printed per kind: facts found verbatim (whitespace
normalised), whether the table's rows stay rows, whether page/slide numbers survive (the
provenance a rep cites), and milliseconds per document (median of 5).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.documents import makers  # noqa: E402

FACTS = [f"Fact {i}: the Harbor {w} limit is {i * 7} units per tenant." for i, w in enumerate(
    ["API", "storage", "seat", "sandbox", "webhook", "export", "import", "report", "dashboard", "workflow",
     "field", "object", "record", "file", "email", "call", "meeting", "task", "note", "deal"], start=1)]  # fmt: skip
TABLE = [["Edition", "Uptime", "Support"], ["Team", "99.9%", "business hours"], ["Enterprise", "99.95%", "24/7"]]
ROW_MARK = "Enterprise 99.95% 24/7"
REPEATS = 5

MARKITDOWN_SNIPPET = r"""
import json, sys, time
from markitdown import MarkItDown
md = MarkItDown(enable_plugins=False)
out = {}
for path in sys.argv[2:]:
    times = []
    for _ in range(int(sys.argv[1])):
        t = time.perf_counter(); text = md.convert(path).text_content; times.append(time.perf_counter() - t)
    out[path] = {"text": text, "times": times}
print(json.dumps(out))
"""


def write_documents(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    pages = [[f"Section {p + 1}", *FACTS[p * 2:p * 2 + 2]] for p in range(10)]
    docs = {
        "pdf": makers.make_pdf(folder / "bench.pdf", pages, title="Bench datasheet"),
        "docx": makers.make_docx(folder / "bench.docx", "Bench whitepaper",
                                 [(f"Section {s + 1}", FACTS[s * 2:s * 2 + 2]) for s in range(10)], table=TABLE),
        "pptx": makers.make_pptx(folder / "bench.pptx",
                                 [(f"Slide {s + 1}", [FACTS[s * 2]], FACTS[s * 2 + 1]) for s in range(10)]),
        "xlsx": makers.make_xlsx(folder / "bench.xlsx", {"Facts": [["Question", "Answer"]] + [
            [f"What is fact {i + 1}?", f] for i, f in enumerate(FACTS)], "Editions": TABLE}),
        "html": makers.make_html(folder / "bench.html", "Bench page",
                                 [(f"Section {s + 1}", " ".join(FACTS[s * 2:s * 2 + 2])) for s in range(10)]),
    }
    # the PDF table: one row per line, as a PDF datasheet prints it
    makers.make_pdf(folder / "bench.pdf", pages + [[" ".join(r) for r in TABLE]], title="Bench datasheet")
    return docs


def _norm(text: str) -> str:
    return re.sub(r"[\s|*#_\\]+", " ", text).strip()


def score(kind: str, text: str, located: bool) -> dict[str, object]:
    flat = _norm(text)
    found = sum(_norm(f) in flat for f in FACTS)
    table = kind in ("pptx", "html") or _norm(ROW_MARK) in flat
    return {"facts": f"{found}/{len(FACTS)}", "table_rows": table, "page_or_slide": located}


def ours(docs: dict[str, Path]) -> dict[str, dict[str, object]]:
    from kb.documents.convert import convert

    out = {}
    for kind, path in docs.items():
        times = []
        for _ in range(REPEATS):
            t = time.perf_counter()
            conv = convert(path)
            times.append(time.perf_counter() - t)
        text = "\n\n".join([s.heading + "\n" + s.text for s in conv.sections] +
                           [f"{r.question} {r.answer}" for r in conv.rows])  # fmt: skip
        located = kind in ("pdf", "pptx") and all(s.location.startswith(("page", "slide")) for s in conv.sections)
        out[kind] = score(kind, text, located or kind not in ("pdf", "pptx")) | {
            "ms": round(statistics.median(times) * 1000, 1)}
    return out


def markitdown(python: str, docs: dict[str, Path]) -> dict[str, dict[str, object]]:
    run = subprocess.run([python, "-c", MARKITDOWN_SNIPPET, str(REPEATS), *map(str, docs.values())],
                         capture_output=True, text=True, check=True)  # fmt: skip
    data = json.loads(run.stdout)
    out = {}
    for kind, path in docs.items():
        text, times = data[str(path)]["text"], data[str(path)]["times"]
        # markitdown marks slides ("<!-- Slide number: 3 -->") but joins PDF pages into one text.
        located = "Slide number" in text if kind == "pptx" else kind not in ("pdf", "pptx")
        out[kind] = score(kind, text, located) | {"ms": round(statistics.median(times) * 1000, 1)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--markitdown-python", help="python of a virtualenv with markitdown[pdf,docx,pptx,xlsx]")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        docs = write_documents(Path(tmp))
        results = {"direct (pypdf, python-docx, python-pptx, openpyxl)": ours(docs)}
        if args.markitdown_python:
            results["markitdown"] = markitdown(args.markitdown_python, docs)
    print("| converter | kind | facts found | table rows kept | page/slide kept | ms/doc |")
    print("|---|---|---|---|---|---|")
    for name, per_kind in results.items():
        for kind, r in per_kind.items():
            located = ("yes" if r["page_or_slide"] else "no") if kind in ("pdf", "pptx") else "n/a"
            print(f"| {name} | {kind} | {r['facts']} | {'yes' if r['table_rows'] else 'no'} | {located} | {r['ms']} |")


if __name__ == "__main__":
    main()
