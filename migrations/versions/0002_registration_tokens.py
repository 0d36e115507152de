"""registration feed tokens, link mail throttle

Revision ID: 0002_registration_tokens
Revises: 0001_initial

The personal calendar feed gets its own token. The old token was handed to calendar apps (the subscribe
buttons give the feed address to Google and Microsoft), so for existing registrations it becomes the
feed token, which only opens the feed: subscriptions keep working. Each registration gets a new manage
token; owners get their new manage link through the lost-link form.
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0002_registration_tokens"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feed_token", sa.String(length=64), nullable=True))

    registrations = sa.table(
        "registrations",
        sa.column("id", sa.Integer()),
        sa.column("token", sa.String(64)),
        sa.column("feed_token", sa.String(64)),
    )
    conn = op.get_bind()
    ids = conn.execute(sa.select(registrations.c.id)).scalars().all()
    for registration_id in ids:
        conn.execute(
            sa.update(registrations)
            .where(registrations.c.id == registration_id)
            .values(feed_token=registrations.c.token, token=secrets.token_urlsafe(32))
        )

    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.alter_column("feed_token", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_registrations_feed_token"), ["feed_token"])

    op.create_table(
        "link_mail_throttle",
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("address_key", name=op.f("pk_link_mail_throttle")),
    )


def downgrade():
    op.drop_table("link_mail_throttle")
    # The feed token becomes the one token again, so that calendar subscriptions keep working.
    registrations = sa.table(
        "registrations", sa.column("token", sa.String(64)), sa.column("feed_token", sa.String(64))
    )
    op.execute(sa.update(registrations).values(token=registrations.c.feed_token))
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_registrations_feed_token"), type_="unique")
        batch_op.drop_column("feed_token")
