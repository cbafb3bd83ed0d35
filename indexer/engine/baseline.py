"""A deliberately plain Whoosh engine, the yardstick for ``kb eval``/``kb bench``.

Why keep it in the product code: the issue asks for gains measured side by side in the same run,
so the baseline must be built and queried exactly as a straightforward Whoosh integration would:
``StemmingAnalyzer``, BM25F, an OR query over title+text from ``MultifieldParser`` and Whoosh's
own highlighter for the top 10.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from whoosh import fields, index, qparser, scoring
from whoosh.analysis import StemmingAnalyzer

from kb.records import ItemRecord


class PlainWhoosh:
    """Build and query the baseline index in ``index_dir``."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._ix: index.Index | None = None
        self._searcher = None
        self._parser: qparser.QueryParser | None = None

    def build(self, records: Iterable[ItemRecord]) -> int:
        ana = StemmingAnalyzer()
        schema = fields.Schema(
            id=fields.ID(stored=True, unique=True),
            title=fields.TEXT(analyzer=ana, stored=True),
            text=fields.TEXT(analyzer=ana, stored=True),
        )
        self.index_dir.mkdir(parents=True, exist_ok=True)
        self._ix = index.create_in(str(self.index_dir), schema)
        w = self._ix.writer(limitmb=256)
        n = 0
        for r in records:
            w.add_document(id=r.id, title=r.title, text=r.body)
            n += 1
        w.commit()
        self._searcher = self._ix.searcher(weighting=scoring.BM25F())
        self._parser = qparser.MultifieldParser(
            ["title", "text"], self._ix.schema, group=qparser.OrGroup
        )
        return n

    def search(self, text: str, limit: int = 10, snippets: bool = True) -> tuple[list[str], float]:
        """Ids best first and elapsed milliseconds (parse + search + highlights of the top 10)."""
        assert self._searcher is not None and self._parser is not None
        t0 = time.perf_counter()
        try:
            q = self._parser.parse(text)
            res = self._searcher.search(q, limit=limit)
            ids = []
            for i, hit in enumerate(res):
                ids.append(hit["id"])
                if snippets and i < 10:
                    hit.highlights("text")
        except Exception:  # noqa: BLE001 - the baseline may fail on odd input; count it empty
            ids = []
        return ids, (time.perf_counter() - t0) * 1000.0

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        if self._ix is not None:
            self._ix.close()
