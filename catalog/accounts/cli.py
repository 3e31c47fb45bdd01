"""``flask --app catalog create-user`` and the demo accounts of ``load-demo``."""

import sys

import click
from email_validator import EmailNotValidError
from email_validator import validate_email
from flask.cli import with_appcontext
from sqlalchemy import select

from catalog import unitofwork
from catalog.accounts import operations
from catalog.accounts.forms import PASSWORD_MAX
from catalog.accounts.forms import PASSWORD_MIN
from catalog.accounts.models import ADMIN
from catalog.accounts.models import CUSTOMER
from catalog.accounts.models import ISV
from catalog.accounts.models import ROLES
from catalog.accounts.models import STAFF
from catalog.accounts.models import Organisation
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.marketplace.models import Vendor
from catalog.models import create_tables

DEMO_PASSWORD = "demo-password-2026"


def _read_password(from_stdin: bool) -> str:
    """The password from stdin's first line, or prompted twice without echo."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise click.ClickException(
            f"The password must have {PASSWORD_MIN} to {PASSWORD_MAX} characters."
        )
    return password


def _links(role: str, vendor_slug: str | None, organisation: str | None) -> dict:
    """The vendor or organisation a new user belongs to."""
    if role == ISV:
        vendor = db.session.scalar(select(Vendor).where(Vendor.slug == (vendor_slug or "")))
        if vendor is None:
            raise click.ClickException(
                "An ISV member needs --vendor with the slug of an existing vendor."
            )
        return {"vendor": vendor}
    if role == CUSTOMER:
        return {"organisation": Organisation(name=organisation or "Independent customer")}
    return {}


@click.command("create-user")
@click.option("--email", required=True, help="The login address.")
@click.option(
    "--name", default=None, help="Display name (default: the part of the address before @)."
)
@click.option("--role", type=click.Choice(list(ROLES)), default=ADMIN, show_default=True)
@click.option("--vendor", "vendor_slug", default=None, help="Vendor slug, for --role isv.")
@click.option("--organisation", default=None, help="Organisation name, for --role customer.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
@with_appcontext
@unitofwork.command
def create_user_command(email, name, role, vendor_slug, organisation, password_stdin) -> None:
    """Create a user (the first admin, for example); prompts for the password."""
    create_tables()
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.ClickException(
            f"“{email}” is not an e-mail address people can log in with: {error}"
        ) from error
    if operations.user_by_email(email) is not None:
        raise click.ClickException(f"{email} already has an account.")
    password = _read_password(password_stdin)
    user = operations.create_user(
        email,
        name or email.split("@")[0],
        password,
        role,
        **_links(role, vendor_slug, organisation),
    )
    click.echo(f"Created {user.role} {user.email}.")


def _demo_vendors(count: int = 2) -> list[Vendor]:
    """The vendors with the most apps, for the demo ISV members."""
    statement = (
        select(Vendor)
        .join(App, App.vendor_id == Vendor.id)
        .group_by(Vendor.id)
        .order_by(db.func.count(App.id).desc(), Vendor.slug)
        .limit(count)
    )
    return list(db.session.scalars(statement))


def ensure_demo_users() -> list[tuple[str, str]]:
    """Create the demo accounts that do not exist yet; return (e-mail, what it is) for each."""
    accounts = [
        ("admin@example.com", "Ada Admin", ADMIN, dict, "admin"),
        ("staff@example.com", "Sam Staff", STAFF, dict, "operator staff"),
        (
            "customer@example.com",
            "Cleo Customer",
            CUSTOMER,
            lambda: {"organisation": Organisation(name="Example Customer Ltd")},
            "customer",
        ),
    ]
    for vendor in _demo_vendors():
        member = (
            f"isv@{vendor.slug}.example.com",
            f"{vendor.name} developer",
            ISV,
            lambda v=vendor: {"vendor": v},
            f"ISV member of {vendor.name}",
        )
        accounts.append(member)
    for email, name, role, links, _ in accounts:
        if operations.user_by_email(email) is None:
            operations.create_user(email, name, DEMO_PASSWORD, role, **links())
    return [(email, what) for email, _, _, _, what in accounts]
