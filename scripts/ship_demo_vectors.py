"""Compute the bundled demo content's meaning vectors once and ship them in ``content/vectors/``.

Run after changing the demo content or the model (``tests/indexer/test_shipped_vectors.py`` fails
until you do):

    .venv/bin/python scripts/ship_demo_vectors.py

A fresh home then searches by meaning at once: its texts' vectors are taken from this file (keyed
by text hash and model stamp), not embedded on the rep's laptop.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indexer.app import semantic  # noqa: E402
from indexer.app.content import SEED_CONTENT, open_home  # noqa: E402
from indexer.engine.vectors import item_chunks, text_hash  # noqa: E402
from kb.services import items  # noqa: E402


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="ea-ship-vectors-")) / "home"
    ws = open_home(home, seed=SEED_CONTENT)
    try:
        vectors = ws.index.vectors
        vectors.pending.clear()  # embed every text anew with the installed model
        ws.read(lambda s: ws.index.semantic.reconcile(items.iter_records(s)))
        ws.index.semantic.embed_pending()
        hashes = ws.read(lambda s: {text_hash(t) for r in items.iter_records(s) if r.status != "archived"
                                   for t in item_chunks(r)})
        n = vectors.export_shipped(semantic.SHIPPED_VECTORS, hashes)
    finally:
        ws.close()
    print(f"wrote {n} vectors ({vectors.model}) to {semantic.SHIPPED_VECTORS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
