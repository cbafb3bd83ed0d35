"""Expert Answers desktop app: a thin PySide6 layer over the application layer (``indexer.app``).

Nothing here holds domain logic: widgets decide when to call a use case, ``desktop.workers`` runs it
off the GUI thread, and ``desktop.render`` turns item Markdown into safe HTML. Importing this
package has no side effects.
"""
