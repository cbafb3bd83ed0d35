"""Searches remember term frequencies and stored fields per searcher (engine/memo.py): an edit
must still show at once, and a prefix must still complete to words added after the first search."""

from __future__ import annotations

from indexer.app import search as app_search
from dataclasses import replace
from pathlib import Path

from indexer.app import search
from indexer.app.actors import current_actor
from indexer.app.content import SEED_NONE, open_home
from indexer.app.curation import Curation
from tests.indexer.test_semantic import OTHERS


def test_an_edit_and_a_new_word_show_in_the_next_search(tmp_path: Path) -> None:
    ws = open_home(tmp_path / "home", seed=SEED_NONE)
    try:
        cur = Curation(ws, current_actor("Ada", "expert"))
        for record in OTHERS:
            cur.save(record)
        before = search.search(ws, "how often are backups taken", mode="lexical")
        assert before.hits[0].title == "How often are backups taken?"
        assert search.search(ws, "zebraf", mode="lexical").hits == []  # the prefix completes to nothing yet
        saved = app_search.get_item(ws, "backup")
        cur.save(replace(saved, title="How often are backups taken and zebrafish-tested?"))
        after = search.search(ws, "how often are backups taken", mode="lexical")
        assert after.hits[0].title == "How often are backups taken and zebrafish-tested?"
        assert search.search(ws, "zebraf", mode="lexical").ids() == ["backup"]
    finally:
        ws.close()
