"""The team path: a shared PostgreSQL server, laptops that work offline and sync (no Qt, no indexer)."""
