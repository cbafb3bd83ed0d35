"""Every table says how it travels: a new kind of record cannot be forgotten by sync."""

from __future__ import annotations

from kb.models import Base
from kb.team.replication import CHANNELS, PENDING

UP = {"records", "owned", "expert", "child", "local"}
DOWN = {"all", "own", "visible", "child", "none"}


def test_every_table_declares_how_it_travels() -> None:
    undeclared = set(Base.metadata.tables) - set(CHANNELS)
    assert not undeclared, f"declare these in kb/team/replication.py: {sorted(undeclared)}"
    assert set(CHANNELS) <= set(Base.metadata.tables)


def test_each_declaration_is_complete_and_uses_real_columns() -> None:
    for name, channel in CHANNELS.items():
        assert channel.up in UP and channel.down in DOWN and channel.why, name
        assert channel.key in channel.table.c, f"{name}: no column {channel.key}"
        assert all(c in channel.table.c for c in channel.decisions), name
        if channel.up == "records":  # created offline on many laptops: a global id, not a local counter
            assert channel.key == "uid" and channel.table.c.uid.unique, name


def test_records_created_on_a_laptop_count_as_waiting_until_they_went_up() -> None:
    created_offline = {n for n, c in CHANNELS.items() if c.up == "records"}
    assert {t.name for t in PENDING.values()} == created_offline
