"""meaning vectors shared through the team server

A text is embedded once for the whole team: an expert's laptop sends the vectors it computed
(keyed by text hash and model stamp), every other laptop takes them on its next sync instead of
embedding for minutes or hours itself.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 02:20:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('shared_vectors',
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('model', sa.String(length=120), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.Column('by', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('hash', 'model')
    )


def downgrade() -> None:
    op.drop_table('shared_vectors')
