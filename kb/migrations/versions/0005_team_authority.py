"""who asked and who decided travel with gaps; stakeholders get a global id

The team server stamps the signed-in member into every row a laptop sends (``kb/team/policies.py``),
so a record must have a column for its author: gaps get ``by`` (the rep whose call left the
question unanswered) and ``decided_by`` (the expert who answered or dismissed it). Stakeholders get
a ``uid`` like every other record a laptop creates, so they sync with ``ON CONFLICT (uid) DO
NOTHING``; existing rows are back-filled with fresh UUIDs, and existing gaps take their log
entry's rep.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 01:00:00.000000
"""
from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table('stakeholders') as batch_op:
        batch_op.add_column(sa.Column('uid', sa.String(length=36), nullable=True))
    t = sa.table('stakeholders', sa.column('id', sa.Integer), sa.column('uid', sa.String))
    for row_id in [row[0] for row in bind.execute(sa.select(t.c.id))]:
        bind.execute(sa.update(t).where(t.c.id == row_id).values(uid=str(uuid.uuid4())))
    with op.batch_alter_table('stakeholders') as batch_op:
        batch_op.alter_column('uid', existing_type=sa.String(length=36), nullable=False)
        batch_op.create_index('ix_stakeholders_uid', ['uid'], unique=True)
    with op.batch_alter_table('gaps') as batch_op:
        batch_op.add_column(sa.Column('by', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('decided_by', sa.String(length=120), nullable=True))
    gaps = sa.table('gaps', sa.column('log_entry_id', sa.Integer), sa.column('by', sa.String))
    log = sa.table('answer_log', sa.column('id', sa.Integer), sa.column('rep', sa.String))
    bind.execute(sa.update(gaps).values(by=sa.select(log.c.rep).where(log.c.id == gaps.c.log_entry_id)
                                        .scalar_subquery()).where(gaps.c.log_entry_id.is_not(None)))
    bind.execute(sa.update(gaps).where(gaps.c.by.is_(None)).values(by=''))


def downgrade() -> None:
    with op.batch_alter_table('gaps') as batch_op:
        batch_op.drop_column('decided_by')
        batch_op.drop_column('by')
    with op.batch_alter_table('stakeholders') as batch_op:
        batch_op.drop_index('ix_stakeholders_uid')
        batch_op.drop_column('uid')
