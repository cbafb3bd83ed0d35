"""The search engine: everything Whoosh, behind this package's own interface.

whoosh-reloaded is no longer maintained, so nothing outside ``indexer.engine`` imports ``whoosh``;
the application layer and the front ends see only :class:`SearchIndex` and the plain result types.
"""

from .results import Hit, SearchFilters, SearchResult
from .schema import SCHEMA_VERSION
from .search_index import IndexBusyError, IndexCorruptError, SearchIndex

__all__ = ["SCHEMA_VERSION", "Hit", "IndexBusyError", "IndexCorruptError", "SearchFilters", "SearchIndex", "SearchResult"]
