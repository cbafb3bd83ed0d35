"""Expert Answers desktop app: a thin PySide6 layer over ``kb`` and ``indexer``.

Nothing here holds domain logic; widgets decide when to call the core, ``desktop.jobs`` holds the
calls, and ``desktop.render`` turns item Markdown into safe HTML.
"""
