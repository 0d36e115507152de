"""users.session_version: logging out or changing the password ends every session of the account

Revision ID: 0003_user_session_version
Revises: 0002_registration_tokens
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_user_session_version"
down_revision = "0002_registration_tokens"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
