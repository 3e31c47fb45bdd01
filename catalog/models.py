"""Imports every feature's models so ``create_all`` and migrations see all tables."""

from flask_migrate import stamp
from flask_migrate import upgrade
from sqlalchemy import inspect

from catalog.accounts.models import Invitation  # noqa: F401
from catalog.accounts.models import JoinRequest  # noqa: F401
from catalog.accounts.models import LoginThrottle  # noqa: F401
from catalog.accounts.models import Organisation  # noqa: F401
from catalog.accounts.models import User  # noqa: F401
from catalog.accounts.models import UserNotification  # noqa: F401
from catalog.extensions import db
from catalog.formtokens import FormSubmission  # noqa: F401
from catalog.forum.models import Article  # noqa: F401
from catalog.forum.models import Post  # noqa: F401
from catalog.forum.models import Section  # noqa: F401
from catalog.forum.models import Thread  # noqa: F401
from catalog.forum.models import Vote  # noqa: F401
from catalog.isv.models import ForumSectionRequest  # noqa: F401
from catalog.marketplace.models import App  # noqa: F401
from catalog.marketplace.models import CatalogState  # noqa: F401
from catalog.marketplace.models import Category  # noqa: F401
from catalog.marketplace.models import OperatorCoverage  # noqa: F401
from catalog.marketplace.models import SupportTerms  # noqa: F401
from catalog.marketplace.models import TermsVersion  # noqa: F401
from catalog.marketplace.models import Vendor  # noqa: F401
from catalog.search.indexing.models import SearchOutbox  # noqa: F401
from catalog.support.plans import models as plan_models  # noqa: F401
from catalog.support.tickets import models as ticket_models  # noqa: F401
from catalog.ticketmail import models as mail_models  # noqa: F401


def create_tables() -> None:
    """Bring the database to the newest migration, creating the schema when it is empty.

    A database made before migrations existed (by ``create_all``) is adopted: when it has every
    table the models define, it is stamped as current; otherwise it is refused with a reason.
    """
    tables = set(inspect(db.engine).get_table_names())
    if tables and "alembic_version" not in tables:
        missing = sorted(set(db.metadata.tables) - tables)
        if missing:
            raise RuntimeError(
                "This database was created without migrations and lacks the tables "
                f"{', '.join(missing)}; back it up and start from an empty database."
            )
        stamp()
    upgrade()


def create_all_tables() -> None:
    """Create the schema straight from the models (tests: fast, and kept equal to the migrations
    by ``tests/test_migrations.py``)."""
    db.create_all()
