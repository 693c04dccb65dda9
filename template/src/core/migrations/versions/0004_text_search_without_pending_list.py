"""Chunks' full-text index without a pending list.

With `fastupdate` (PostgreSQL's default), new entries of a GIN index wait in a pending list (up
to 4 MB) that every search reads whole, until a vacuum merges them: a keyword search read about
500 pages per term after a few thousand inserts. Writing each entry in place costs inserts a
little more and keeps searches at the index's own cost (PostgreSQL's documentation: when
response time matters more than update speed).

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER INDEX chunks_text_search SET (fastupdate = off)")
    op.execute("SELECT gin_clean_pending_list('chunks_text_search')")


def downgrade() -> None:
    op.execute("ALTER INDEX chunks_text_search RESET (fastupdate)")
