"""The errors a use case raises for a person to read: bad input, a refused or conflicting write.

Front ends catch these by type (the editor puts an invalid field's message next to the field; the CLI
prints it and exits 2) and let anything else through as a fault. They live in ``kb``; naming them
here keeps the front ends off ``kb.services``.
"""

from __future__ import annotations

from kb.errors import ContentError
from kb.faults import describe as describe_fault
from kb.progress import Cancelled
from kb.services.answer_log import LogError
from kb.services.curation import EditConflict
from kb.services.deals import DealError
from kb.services.gaps import GapError
from kb.services.report_common import ReportError
from kb.services.roles import PermissionDenied
from kb.services.suggestions import SuggestionError, SuggestionOutdated

from indexer.engine.search_index import IndexBusyError

__all__ = [
    "USER_ERRORS", "Cancelled", "ContentError", "describe_fault", "DealError", "EditConflict", "GapError", "IndexBusyError",
    "LogError", "PermissionDenied", "ReportError", "SuggestionError", "SuggestionOutdated",
]  # fmt: skip

#: What a person can fix: shown as a message, never as a crash report.
USER_ERRORS: tuple[type[BaseException], ...] = (
    ValueError, KeyError, FileNotFoundError, PermissionError, IndexBusyError,
)
