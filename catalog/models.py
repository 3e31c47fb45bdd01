"""Imports every feature's models so ``create_all`` and migrations see all tables."""
from catalog.marketplace.models import App  # noqa: F401
from catalog.marketplace.models import CatalogState  # noqa: F401
from catalog.marketplace.models import Category  # noqa: F401
from catalog.marketplace.models import OperatorCoverage  # noqa: F401
from catalog.marketplace.models import SupportTerms  # noqa: F401
from catalog.marketplace.models import Vendor  # noqa: F401
from catalog.indexing.models import SearchOutbox  # noqa: F401
