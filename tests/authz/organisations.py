"""Placeholders of the authorisation matrix for the organisations pages."""


def placeholders(app) -> dict:
    """Symbolic URL arguments of the organisations endpoints, and the objects behind them."""
    return {}


ORGANISATION_ADMIN = "orgadmin@other.example"


def organisation_admin(app) -> str:
    """A customer who is the organisation admin of "Other Org"; returns the e-mail address."""
    from catalog.accounts import operations as account_operations
    from catalog.accounts.models import Organisation
    from catalog.extensions import db
    from tests.conftest import PASSWORD

    with app.app_context():
        organisation = Organisation(name="Other Org", domains=["other.example"])
        db.session.add(organisation)
        user = account_operations.create_user(
            ORGANISATION_ADMIN, "Olga Admin", PASSWORD, "customer", organisation=organisation
        )
        user.organisation_role = "admin"
        db.session.commit()
    return ORGANISATION_ADMIN
