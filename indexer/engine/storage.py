"""Whoosh storage policies: segment merging for incremental commits, telling a damaged index
from a bug, and a cheap integrity check at open.

Why separate from :mod:`indexer.engine.search_index`: these are the parts that depend on how Whoosh lays
out and reads segments, kept small and in one place.
"""

from __future__ import annotations

import os
import pickle
import struct
import zlib

from whoosh import index as windex

#: Incremental commits merge segments below this size once there are this many of them.
SMALL_SEGMENT_DOCS = 1_000
SMALL_SEGMENTS_BEFORE_MERGE = 8

#: What reading a damaged index raises (truncated or garbled files) wherever it is raised.
_STORAGE_ERRORS = (OSError, EOFError, struct.error, zlib.error, pickle.UnpicklingError)


def merge_small_segments(writer, segments):  # type: ignore[no-untyped-def]
    """Merge policy for incremental commits: fold the small segments that saves create into one,
    never touch the big segments a rebuild wrote. (Whoosh's MERGE_SMALL merged ~31k documents
    on one save at 87k items: +220 MB peak memory and ~0.3 s; see indexer_results.md, M9.)"""
    from whoosh.reading import SegmentReader

    small = [s for s in segments if s.doc_count_all() < SMALL_SEGMENT_DOCS]
    if len(small) < SMALL_SEGMENTS_BEFORE_MERGE:
        return segments
    for seg in small:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s.doc_count_all() >= SMALL_SEGMENT_DOCS]


def is_storage_error(exc: BaseException) -> bool:
    """A damaged index, as opposed to a bug of ours: an I/O or decoding error, or any error
    raised from inside Whoosh's own code (it reads garbage as garbage: KeyError, ValueError…)."""
    if isinstance(exc, _STORAGE_ERRORS):
        return True
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb.tb_frame.f_code.co_filename
        tb = tb.tb_next
    return last is not None and f"{os.sep}whoosh{os.sep}" in last


def verify_index(ix: windex.Index) -> None:
    """Cheap end-to-end read of every segment: lexicon, postings and the last stored document."""
    with ix.reader() as r:
        n = r.doc_count_all()
        for fieldname in ("id", "body", "keys"):
            for i, (text, _) in enumerate(r.iter_field(fieldname)):
                list(r.postings(fieldname, text).all_ids())
                if i >= 2:
                    break
        if n:
            r.stored_fields(n - 1)
            r.stored_fields(0)
        for sub, _offset in r.leaf_readers():
            if sub.doc_count_all():
                sub.stored_fields(sub.doc_count_all() - 1)
