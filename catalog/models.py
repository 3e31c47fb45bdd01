"""Imports every feature's models so ``create_all`` and migrations see all tables."""
from catalog.accounts.models import LoginFailure  # noqa: F401
from catalog.accounts.models import Organisation  # noqa: F401
from catalog.accounts.models import User  # noqa: F401
from catalog.extensions import db
from catalog.forum.models import Article  # noqa: F401
from catalog.forum.models import Post  # noqa: F401
from catalog.forum.models import Section  # noqa: F401
from catalog.forum.models import Thread  # noqa: F401
from catalog.forum.models import Vote  # noqa: F401
from catalog.indexing.models import SearchOutbox  # noqa: F401
from catalog.isv.models import ForumSectionRequest  # noqa: F401
from catalog.marketplace.models import App  # noqa: F401
from catalog.marketplace.models import CatalogState  # noqa: F401
from catalog.marketplace.models import Category  # noqa: F401
from catalog.marketplace.models import OperatorCoverage  # noqa: F401
from catalog.marketplace.models import SupportTerms  # noqa: F401
from catalog.marketplace.models import TermsVersion  # noqa: F401
from catalog.marketplace.models import Vendor  # noqa: F401
from catalog.support import models as support_models  # noqa: F401
from catalog.ticketmail import models as mail_models  # noqa: F401


def create_tables() -> None:
    """Create every table that does not exist yet."""
    db.create_all()
