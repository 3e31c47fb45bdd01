"""Writes of the operator console. They flush; the request commits."""

import secrets
from datetime import datetime

from flask import render_template

from catalog.accounts import operations as account_operations
from catalog.accounts import tokens
from catalog.accounts.models import CUSTOMER
from catalog.accounts.models import ISV
from catalog.accounts.models import User
from catalog.extensions import db
from catalog.links import external_url
from catalog.marketplace.history import COVERAGE_FIELDS
from catalog.marketplace.history import snapshot
from catalog.marketplace.identifiers import slugify
from catalog.marketplace.models import App
from catalog.marketplace.models import Category
from catalog.marketplace.models import OperatorCoverage
from catalog.marketplace.models import SupportTerms
from catalog.marketplace.models import TermsVersion
from catalog.marketplace.models import Vendor
from catalog.marketplace.operations import record_terms_version
from catalog.ticketmail.letters import queue_letter

COVERAGE_KEYS = frozenset(COVERAGE_FIELDS)


def decide_coverage(app: App, values: dict, user_id: int, now: datetime) -> TermsVersion | None:
    """Set the operator's channels and factors for an app; version the change."""
    if set(values) - COVERAGE_KEYS:
        raise ValueError(f"not a coverage field: {sorted(set(values) - COVERAGE_KEYS)}")
    before = snapshot(app.terms, app.coverage)
    row = app.coverage or OperatorCoverage(app=app)
    db.session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    version = record_terms_version(app, before, "operator", user_id, now)
    if version is not None:
        row.decided_at = now
        if app.terms is not None:
            app.terms.updated_at = now
    return version


def set_published(app: App, published: bool, now: datetime) -> None:
    """Show or hide an app in the catalog."""
    if app.published != published:
        app.published = published
        app.updated_at = now
    db.session.flush()


def create_vendor(name: str, slug: str | None, website: str | None, description: str) -> Vendor:
    """Add a vendor."""
    vendor = Vendor(
        name=name,
        slug=slug or slugify(name),
        website=website or None,
        description=description or "",
    )
    db.session.add(vendor)
    db.session.flush()
    return vendor


def update_vendor(vendor: Vendor, name: str, website: str | None, description: str) -> None:
    """Change a vendor's name, web site and description (its slug stays: links use it)."""
    vendor.name, vendor.website, vendor.description = name, website or None, description or ""
    db.session.flush()


def remove_member(user: User) -> None:
    """Take a person out of their vendor; they keep an ordinary account."""
    user.role = CUSTOMER
    user.vendor = None
    db.session.flush()


def create_category(name: str, slug: str | None) -> Category:
    """Add a category."""
    category = Category(name=name, slug=slug or slugify(name))
    db.session.add(category)
    db.session.flush()
    return category


def rename_category(category: Category, name: str) -> None:
    """Rename a category (its slug stays)."""
    category.name = name
    db.session.flush()


def create_account(
    email: str,
    name: str,
    role: str,
    password: str | None,
    vendor: Vendor | None = None,
    organisation=None,
) -> User:
    """Add an account made by an admin: with the password they chose (confirmed at once), or
    with none yet (a random one nobody knows, unconfirmed until the invitation is used)."""
    links = {"vendor": vendor if role == ISV else None}
    if role == CUSTOMER and organisation is not None:
        links["organisation"] = organisation
    return account_operations.create_user(
        email,
        name,
        password or secrets.token_urlsafe(32),
        role,
        verified=password is not None,
        **links,
    )


def invite(user: User, inviter: User, now: datetime) -> None:
    """Queue the letter with the link that sets the new account's first password.

    The link opens the set-your-password page with an invitation token that works for a week;
    like a reset link it dies once used (or when the password changes), and using it confirms
    the address.
    """
    link = external_url("accounts.reset", token=tokens.account_invite_token(user))
    again = external_url("accounts.reset_request")
    text = render_template(
        "operator/mail/invitation.txt", user=user, inviter=inviter, link=link, again=again
    )
    queue_letter("invitation", user.email, "Your Support Catalog account", text, now)


def create_app(record: dict, vendor: Vendor, category: Category, now: datetime) -> App:
    """Add an app from a record checked by the import rules, with empty support terms (the
    listeners version the catalog and queue its search document)."""
    app = App(
        slug=record["slug"],
        name=record["name"],
        vendor=vendor,
        category=category,
        summary=record["summary"],
        description=record["description"],
        version=record["version"],
        homepage=record["homepage"],
        published=record["published"],
        created_at=now,
        updated_at=now,
    )
    db.session.add(app)
    db.session.add(SupportTerms(app=app, updated_at=now, **record["terms"]))
    db.session.flush()
    return app
