"""Expert Answers desktop app: a thin PySide6 layer over ``kb`` and ``indexer``.

Nothing here holds domain logic; widgets decide when to call the core, ``desktop.jobs`` holds the
calls, and ``desktop.render`` turns item Markdown into safe HTML.
"""

from desktop.qtcompat import pin_singletons as _pin_singletons

# PySide6 6.12 on CPython 3.11 drops a reference to None/True on most calls; unprotected, a session
# aborts within minutes (desktop/qtcompat.py). Cheap, idempotent, a no-op without Qt or on 3.12+.
_pin_singletons()
