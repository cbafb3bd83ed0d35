"""BEIR-style retrieval datasets (``corpus.jsonl``) as Q&A items, for measuring search quality.

Ids are kept exactly so relevance labels (``qrels.tsv``) still point at the right items.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from kb.errors import LoadError
from kb.loader import LoadResult
from kb.records import ItemRecord


def is_beir_dir(path: Path) -> bool:
    return path.is_dir() and (path / "corpus.jsonl").is_file()


def iter_corpus(path: Path, errors: list[LoadError]) -> Iterator[ItemRecord]:
    corpus = path / "corpus.jsonl"
    today = date.today()
    with corpus.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                item_id = str(row["id"])
                text = str(row.get("text") or "")
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                errors.append(LoadError(str(corpus), f"bad row: {exc}", line_no))
                continue
            if not text.strip():
                errors.append(LoadError(str(corpus), "empty text", line_no, "text"))
                continue
            yield ItemRecord(
                id=item_id,
                kind="qa",
                title=str(row.get("title") or ""),
                body=text,
                status="published",
                verified_on=today,
                review_days=3650,
                extra={"dataset": path.name},
                source=str(corpus),
            )


def load_beir(path: Path) -> LoadResult:
    result = LoadResult(files=1)
    result.records = list(iter_corpus(path, result.errors))
    return result
