"""The one application layer: every use case, written once, called by the ``kb`` CLI and the app.

Each module holds the use cases of one area (``search``, ``answers``, ``journey``, ``curation``,
``content``, ``insight``, ``overview``) as functions over an open :class:`Workspace`. They own the
transactions, the input limits, validation and role checks; the front ends parse, call and show.
A write returns :class:`Done` — its value and the :class:`Changes` it made — so the app can tell
every open window what to refresh. Plain Python: no Qt, nothing from ``desktop``.
"""

from indexer.app.changes import Changes, Done
from indexer.app.workspace import Workspace

__all__ = ["Changes", "Done", "Workspace"]
