"""Below the front ends: the search engine and the one application layer.

``indexer.engine`` holds everything Whoosh (and vectors); ``indexer.app`` holds every use case that
the ``kb`` CLI (``indexer.cli``) and the desktop app call; ``indexer.measure`` evaluates and
benchmarks through the application layer. Plain Python, no Qt.
"""
