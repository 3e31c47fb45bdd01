"""The support business: plan terms, organisations and members, subscriptions, requests

Plans gain their contact methods as columns (with the chat's number of experts), the severities
that run 24×7, the apps and categories they cover, a price, an included assessment and
retirement. Organisations gain e-mail domains, a time zone and notes; members gain their role in
the organisation. Subscriptions gain environments and the period they renew. New tables: the
log of named-contact changes, join requests, and customers' requests for a plan.

Revision ID: c12a0business
Revises: c11c0mailtrust
Create Date: 2026-11-30 23:05:00

"""

import re

import sqlalchemy as sa
from alembic import op

import catalog.db

# revision identifiers, used by Alembic.
revision = "c12a0business"
down_revision = "c11c0mailtrust"
branch_labels = None
depends_on = None

_CHAT = re.compile(r"chat with up to (\d+)", re.IGNORECASE)


def upgrade():
    _new_tables()
    with op.batch_alter_table("organisation") as batch_op:
        batch_op.add_column(sa.Column("domains", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(
            sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False)
        )
        batch_op.add_column(sa.Column("notes", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.add_column(
            sa.Column(
                "organisation_role", sa.String(length=10), server_default="member", nullable=False
            )
        )
        batch_op.create_check_constraint(
            "known_organisation_role", "organisation_role IN ('member', 'admin')"
        )
    with op.batch_alter_table("support_subscription") as batch_op:
        batch_op.add_column(
            sa.Column("environments", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(sa.Column("renews_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_support_subscription_renews_id_support_subscription"),
            "support_subscription",
            ["renews_id"],
            ["id"],
        )
        batch_op.create_check_constraint("at_least_one_environment", "environments >= 1")
    _plan_columns()


def _plan_columns():
    """New plan columns, filled from the old free-text contact methods and the 24×7 flag."""
    with op.batch_alter_table("support_plan") as batch_op:
        batch_op.add_column(
            sa.Column("around_the_clock", sa.JSON(), server_default="[]", nullable=False)
        )
        for name, default in (("web_portal", sa.true()), ("email", sa.true())):
            batch_op.add_column(
                sa.Column(name, sa.Boolean(), server_default=default, nullable=False)
            )
        batch_op.add_column(
            sa.Column("phone", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("chat_experts", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("remote_session", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("covers_all_apps", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(sa.Column("price", sa.Numeric(precision=10, scale=2), nullable=True))
        batch_op.add_column(
            sa.Column("price_period", sa.String(length=5), server_default="month", nullable=False)
        )
        batch_op.add_column(sa.Column("assessment", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("retired_at", catalog.db.UTCDateTime(timezone=True), nullable=True)
        )
    _copy_contact_methods()
    with op.batch_alter_table("support_plan") as batch_op:
        batch_op.drop_column("contact_methods")
        batch_op.drop_column("sev1_24x7")
        batch_op.create_check_constraint(
            "chat_has_experts", "chat_experts IS NULL OR chat_experts >= 1"
        )
        batch_op.create_check_constraint("price_not_negative", "price IS NULL OR price >= 0")
        batch_op.create_check_constraint("known_price_period", "price_period IN ('month', 'year')")


def _copy_contact_methods():
    """Read each plan's old list of method names and its 24×7 flag into the new columns."""
    plan = sa.table(
        "support_plan",
        sa.column("id", sa.Integer),
        sa.column("contact_methods", sa.JSON),
        sa.column("sev1_24x7", sa.Boolean),
        sa.column("web_portal", sa.Boolean),
        sa.column("email", sa.Boolean),
        sa.column("phone", sa.Boolean),
        sa.column("chat_experts", sa.Integer),
        sa.column("remote_session", sa.Boolean),
        sa.column("around_the_clock", sa.JSON),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(plan.c.id, plan.c.contact_methods, plan.c.sev1_24x7))
    for plan_id, methods, sev1 in rows.all():
        words = [str(method).lower() for method in methods or []]
        chat = next((int(m.group(1)) for w in words if (m := _CHAT.search(w))), None)
        connection.execute(
            sa.update(plan)
            .where(plan.c.id == plan_id)
            .values(
                web_portal=True,
                email=any("mail" in w for w in words),
                phone=any("phone" in w for w in words),
                chat_experts=chat if chat and chat > 0 else None,
                remote_session=any("remote" in w for w in words),
                around_the_clock=["1"] if sev1 else [],
            )
        )


def _new_tables():
    """The association tables, the contact log, join requests and plan requests."""
    op.create_table(
        "support_plan_category",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["category.id"],
            name=op.f("fk_support_plan_category_category_id_category"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["support_plan.id"],
            name=op.f("fk_support_plan_category_plan_id_support_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", "category_id", name=op.f("pk_support_plan_category")),
    )
    op.create_table(
        "support_plan_app",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["app.id"], name=op.f("fk_support_plan_app_app_id_app"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["support_plan.id"],
            name=op.f("fk_support_plan_app_plan_id_support_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", "app_id", name=op.f("pk_support_plan_app")),
    )
    op.create_table(
        "organisation_join_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", catalog.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=True),
        sa.Column("decided_at", catalog.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_organisation_join_request_decided_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_organisation_join_request_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_organisation_join_request_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_join_request")),
        sa.UniqueConstraint("organisation_id", "user_id", name="uq_organisation_join_request_once"),
    )
    op.create_index(
        "ix_organisation_join_request_organisation_id",
        "organisation_join_request",
        ["organisation_id"],
    )
    op.create_index(
        "ix_organisation_join_request_user_id", "organisation_join_request", ["user_id"]
    )
    op.create_table(
        "support_named_contact_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", catalog.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "action IN ('added', 'removed')",
            name=op.f("ck_support_named_contact_change_known_action"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_support_named_contact_change_actor_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["support_subscription.id"],
            name=op.f("fk_support_named_contact_change_subscription_id_support_subscription"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_support_named_contact_change_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_named_contact_change")),
    )
    op.create_index(
        "ix_support_named_contact_change_subscription_id",
        "support_named_contact_change",
        ["subscription_id"],
    )
    _request_table()


def _request_table():
    """Customers' requests for a plan."""
    op.create_table(
        "support_subscription_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("organisation_name", sa.String(length=120), server_default="", nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.String(length=10), server_default="pending", nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", catalog.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", catalog.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("subscription_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'declined')",
            name=op.f("ck_support_subscription_request_known_status"),
        ),
        sa.ForeignKeyConstraint(
            ["app_id"], ["app.id"], name=op.f("fk_support_subscription_request_app_id_app")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_support_subscription_request_decided_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_support_subscription_request_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["support_plan.id"],
            name=op.f("fk_support_subscription_request_plan_id_support_plan"),
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["support_subscription.id"],
            name=op.f("fk_support_subscription_request_subscription_id_support_subscription"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_support_subscription_request_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_subscription_request")),
    )
    for column in ("organisation_id", "plan_id", "user_id"):
        op.create_index(
            f"ix_support_subscription_request_{column}", "support_subscription_request", [column]
        )


def downgrade():
    with op.batch_alter_table("support_plan") as batch_op:
        batch_op.drop_constraint("ck_support_plan_chat_has_experts", type_="check")
        batch_op.drop_constraint("ck_support_plan_price_not_negative", type_="check")
        batch_op.drop_constraint("ck_support_plan_known_price_period", type_="check")
        batch_op.add_column(
            sa.Column("sev1_24x7", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("contact_methods", sa.JSON(), server_default="[]", nullable=False)
        )
        for name in (
            "retired_at",
            "assessment",
            "price_period",
            "price",
            "covers_all_apps",
            "remote_session",
            "chat_experts",
            "phone",
            "email",
            "web_portal",
            "around_the_clock",
        ):
            batch_op.drop_column(name)
    with op.batch_alter_table("support_subscription") as batch_op:
        batch_op.drop_constraint("ck_support_subscription_at_least_one_environment", type_="check")
        batch_op.drop_constraint(
            "fk_support_subscription_renews_id_support_subscription", type_="foreignkey"
        )
        batch_op.drop_column("renews_id")
        batch_op.drop_column("environments")
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_constraint("ck_user_account_known_organisation_role", type_="check")
        batch_op.drop_column("organisation_role")
    with op.batch_alter_table("organisation") as batch_op:
        for name in ("notes", "timezone", "domains"):
            batch_op.drop_column(name)
    for table in (
        "support_subscription_request",
        "support_named_contact_change",
        "organisation_join_request",
        "support_plan_app",
        "support_plan_category",
    ):
        op.drop_table(table)
