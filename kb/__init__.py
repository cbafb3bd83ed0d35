"""Expert Answers core: domain model, storage and content I/O. Never imports Qt or the indexer."""

__version__ = "0.1.0"
