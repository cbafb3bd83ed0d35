"""Everything Whoosh: the search index of knowledge items, its evaluation and benchmarks.

Plain Python (no Qt), so the CLI, the desktop app and tests share the same search code.
"""

from .results import Hit, SearchFilters, SearchResult
from .schema import SCHEMA_VERSION
from .search_index import IndexBusyError, IndexCorruptError, SearchIndex

__all__ = ["SCHEMA_VERSION", "Hit", "IndexBusyError", "IndexCorruptError", "SearchFilters", "SearchIndex", "SearchResult"]
