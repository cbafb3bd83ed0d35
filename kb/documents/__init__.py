"""The team's documents → items: converters (PDF, Word, PowerPoint, Excel, HTML, email), the checks
made before a parser opens a file, and how a converted file is stored (``kb.documents.items``).

The use case that walks a folder, saves in batches and keeps the index in step is
``indexer.app.documents``; ``kb import`` and Content → Import documents… both call it.
"""
