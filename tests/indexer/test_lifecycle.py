"""Index lifecycle: incremental updates, archive/draft visibility, rebuilds, damage, threads."""

from __future__ import annotations

import gc
import json
import threading
from pathlib import Path

import pytest

from indexer.engine import SCHEMA_VERSION, IndexCorruptError, SearchIndex
from kb.records import ItemRecord

from .conftest import catalogue, qa


def _live_dir(index_dir: Path) -> Path:
    return index_dir / (index_dir / "CURRENT").read_text().strip()


def test_missing_index_reports_and_searches_empty(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path / "nothing-here")
    assert ix.needs_rebuild() == "missing"
    assert ix.search("uptime").hits == []
    assert ix.doc_count() == 0
    ix.close()


def test_rebuild_counts_and_reports_progress(tmp_path: Path, records: list[ItemRecord]) -> None:
    calls: list[tuple[int, int, str]] = []
    ix = SearchIndex(tmp_path / "ix")
    archived = qa("gone", "Archived question", "old", status="archived")
    n = ix.rebuild([*records, archived], total=len(records) + 1,
                   progress=lambda d, t, label: calls.append((d, t, label)))
    assert n == len(records)  # archived never indexed
    assert ix.doc_count() == len(records)
    assert ix.needs_rebuild() is None
    assert calls and calls[-1][0] == len(records) + 1
    ix.close()


def test_upsert_is_found_immediately(index: SearchIndex) -> None:
    assert index.search("mobile").hits == []
    index.upsert([qa("new-mobile", "Is there a mobile app?", "Yes, for iOS and Android.")])
    assert index.search("mobile app").ids()[0] == "new-mobile"
    index.upsert([qa("new-mobile", "Is there a tablet app?", "Yes, for iPad.")])
    assert index.search("mobile").hits == []
    assert index.search("tablet").ids() == ["new-mobile"]


def test_upsert_visible_from_another_thread(index: SearchIndex) -> None:
    seen: list[list[str]] = []
    index.search("uptime")  # this thread has a searcher; the other thread gets its own
    t = threading.Thread(target=lambda: seen.append(index.search("uptime").ids()))
    t.start()
    t.join()
    index.upsert([qa("sla-uptime", "Uptime history", "Public status page with 99.99% uptime.")])
    t = threading.Thread(target=lambda: seen.append(index.search("status page").ids()))
    t.start()
    t.join()
    assert seen[0][0] == "sla-uptime" and seen[1] == ["sla-uptime"]


def test_archive_hides_and_delete_removes(index: SearchIndex) -> None:
    assert index.search("uptime").ids()[0] == "sla-uptime"
    rec = next(r for r in catalogue() if r.id == "sla-uptime")
    from dataclasses import replace
    index.upsert([replace(rec, status="archived")])
    assert "sla-uptime" not in index.search("uptime").ids()
    assert "sla-uptime" not in index.search("uptime", include_drafts=True).ids()
    index.delete(["sla-backup", "no-such-id"])
    assert "sla-backup" not in index.search("backup").ids()


def test_drafts_only_in_expert_mode(index: SearchIndex) -> None:
    assert "draft-roadmap" not in index.search("china region roadmap").ids()
    assert index.search("china region roadmap", include_drafts=True).ids()[0] == "draft-roadmap"


def test_schema_version_mismatch_needs_rebuild(tmp_path: Path, records: list[ItemRecord]) -> None:
    ix = SearchIndex(tmp_path / "ix")
    ix.rebuild(records)
    ix.close()
    meta = _live_dir(tmp_path / "ix") / "meta.json"
    meta.write_text(json.dumps({"schema_version": 1}))
    ix = SearchIndex(tmp_path / "ix")
    assert ix.needs_rebuild() == f"schema version 1 != {SCHEMA_VERSION}"
    assert ix.search("uptime").hits == []
    ix.rebuild(records)
    assert ix.needs_rebuild() is None
    assert ix.search("uptime").ids()[0] == "sla-uptime"
    ix.close()
    gc.collect()


def _truncate_segments(index_dir: Path) -> None:
    # Segments are separate files (postings, terms, stored fields, columns); damage them all.
    segs = [p for p in _live_dir(index_dir).iterdir() if p.suffix in (".pst", ".trm", ".col")]
    assert segs, "expected segment files"
    for p in segs:
        data = p.read_bytes()
        p.write_bytes(data[: len(data) // 3])


# Whoosh leaves the damaged segment file open when it fails to read it; that leak is Whoosh's
# and harmless (closed when collected), but pytest turns its ResourceWarning into an error.
_WHOOSH_LEAK = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


@_WHOOSH_LEAK[0]
@_WHOOSH_LEAK[1]
def test_truncated_segment_detected_on_open(tmp_path: Path, records: list[ItemRecord]) -> None:
    ix = SearchIndex(tmp_path / "ix")
    ix.rebuild(records)
    ix.close()
    _truncate_segments(tmp_path / "ix")
    ix = SearchIndex(tmp_path / "ix")
    reason = ix.needs_rebuild()
    assert reason is not None and reason.startswith("corrupt:")
    assert ix.search("uptime").hits == []  # never raises
    assert ix.ensure(lambda: records) == reason  # rebuilds from the source of truth
    assert ix.needs_rebuild() is None
    assert ix.search("uptime").ids()[0] == "sla-uptime"
    ix.close()
    gc.collect()  # finalise Whoosh's leaked file inside this test (see _WHOOSH_LEAK)


@_WHOOSH_LEAK[0]
@_WHOOSH_LEAK[1]
def test_damage_found_by_search_is_reported(tmp_path: Path, records: list[ItemRecord]) -> None:
    reasons: list[str] = []
    ix = SearchIndex(tmp_path / "ix", on_corrupt=reasons.append)
    ix.rebuild(records)
    _truncate_segments(tmp_path / "ix")
    ix._gen += 1  # as if another process had committed: the next search opens a new searcher
    res = ix.search("uptime guarantee backups data")  # never raises
    assert res.hits == []
    assert (ix.needs_rebuild() or "").startswith("corrupt:")
    assert reasons and reasons[0].startswith("corrupt:")
    ix.rebuild(records)
    assert ix.needs_rebuild() is None
    assert ix.search("uptime").ids()[0] == "sla-uptime"
    ix.close()
    gc.collect()


@_WHOOSH_LEAK[0]
@_WHOOSH_LEAK[1]
def test_damage_found_by_a_write_raises_and_is_reported(
    tmp_path: Path, records: list[ItemRecord]
) -> None:
    ix = SearchIndex(tmp_path / "ix")
    ix.rebuild(records)
    _truncate_segments(tmp_path / "ix")
    with pytest.raises(IndexCorruptError):  # the writer opens the damaged segment
        ix.upsert([qa("x", "New item", "text")])
    assert (ix.needs_rebuild() or "").startswith("corrupt:")
    assert ix.search("uptime").hits == []
    ix.rebuild([*records, qa("x", "New item", "text")])
    assert ix.search("new item").ids()[0] == "x"
    ix.close()
    gc.collect()


def test_reopen_keeps_data(tmp_path: Path, records: list[ItemRecord]) -> None:
    ix = SearchIndex(tmp_path / "ix")
    ix.rebuild(records)
    ix.upsert([qa("later", "Added later", "incremental text")])
    ix.close()
    ix = SearchIndex(tmp_path / "ix")
    assert ix.needs_rebuild() is None
    assert ix.search("incremental").ids() == ["later"]
    assert ix.doc_count() == len(records) + 1
    ix.close()


def test_rebuild_replaces_generation_and_cleans_up(tmp_path: Path, records: list[ItemRecord]) -> None:
    ix = SearchIndex(tmp_path / "ix")
    for _ in range(4):
        ix.rebuild(records)
    gens = sorted(p.name for p in (tmp_path / "ix").glob("gen-*"))
    assert len(gens) <= 2 and _live_dir(tmp_path / "ix").name == gens[-1]
    ix.close()


def test_concurrent_searches_and_writes(index: SearchIndex) -> None:
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        try:
            while not stop.is_set():
                res = index.search("uptime backup data")
                assert all(h.id for h in res.hits)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for i in range(15):
        index.upsert([qa(f"w{i}", f"Write {i}", "uptime data")])
    index.rebuild(catalogue())
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    assert index.needs_rebuild() is None
    assert index.search("uptime").ids()[0] == "sla-uptime"


def test_synonyms_reload(tmp_path: Path) -> None:
    syn = tmp_path / "syn.txt"
    ix = SearchIndex(tmp_path / "ix", syn)
    ix.rebuild([qa("a", "Bring your own key", "Customer managed encryption keys via KMS.")])
    assert ix.search("byok").hits == []
    syn.write_text("byok, bring your own key\n")
    assert ix.reload_synonyms() == 1
    assert ix.search("byok").ids() == ["a"]
    ix.close()


def test_many_saves_keep_few_segments(index: SearchIndex) -> None:
    for i in range(20):
        index.upsert([qa(f"s{i}", f"Saved {i}", "incremental save")])
    leaves = len(list(index.searcher().reader().leaf_readers()))  # type: ignore[union-attr]
    assert leaves <= 9
    assert len(index.search("incremental save", limit=30).hits) == 20


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_index_whose_pickled_schema_no_longer_loads_is_rebuilt(tmp_path: Path) -> None:
    """An index written by an older release can name analyzer classes that no longer exist."""
    recs = [ItemRecord(id="a", kind="qa", title="Uptime commitment?", body="99.9%")]
    ix = SearchIndex(tmp_path / "ix")
    ix.rebuild(recs)
    ix.close()
    toc = next(_live_dir(tmp_path / "ix").glob("*.toc"))
    data = toc.read_bytes()
    toc.write_bytes(data.replace(b"whoosh.fields", b"whoosh.gone__", 1))
    ix = SearchIndex(tmp_path / "ix")
    assert ix.needs_rebuild() is not None
    ix.rebuild(recs)
    assert ix.search("uptime").ids() == ["a"]
    ix.close()
