"""globally unique ids for append-only records and per-home sync bookkeeping

Every record a laptop creates offline and later pushes to the team server (answer-log entries,
stage events, gaps, suggestions, item versions) gets a ``uid`` (a UUID string): the server
inserts with ``ON CONFLICT (uid) DO NOTHING``, so a retried or half-finished sync never doubles
a row. Existing rows are back-filled with fresh UUIDs, so an older home upgrades keeping all rows.
``sync_state`` holds small key/value facts such as the last successful sync time.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 03:40:00.000000
"""
from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

#: Tables whose rows get a globally unique id, each with its integer primary key.
UID_TABLES = ('answer_log', 'stage_events', 'gaps', 'suggestions', 'item_versions')


def upgrade() -> None:
    bind = op.get_bind()
    for table in UID_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('uid', sa.String(length=36), nullable=True))
        t = sa.table(table, sa.column('id', sa.Integer), sa.column('uid', sa.String))
        ids = [row[0] for row in bind.execute(sa.select(t.c.id))]
        for row_id in ids:
            bind.execute(sa.update(t).where(t.c.id == row_id).values(uid=str(uuid.uuid4())))
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column('uid', existing_type=sa.String(length=36), nullable=False)
            batch_op.create_index(f'ix_{table}_uid', ['uid'], unique=True)
    op.create_table('sync_state',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('sync_state')
    for table in reversed(UID_TABLES):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(f'ix_{table}_uid')
            batch_op.drop_column('uid')
