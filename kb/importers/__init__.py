"""Readers that turn outside content into ItemRecords; see ``kb.importing`` for the dispatcher."""
