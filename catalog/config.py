"""Code defaults of the configuration.

Layers, each overriding the one before: these defaults → ``instance/config.py`` (optional) →
environment variables prefixed ``CATALOG_`` (values parsed as JSON where they can be, so
``CATALOG_CATALOG_PAGE_SIZE=50`` is an int) → the mapping a test passes to ``create_app``.
"""

ENV_PREFIX = "CATALOG"


class Defaults:
    """Settings a fresh install runs with."""

    SECRET_KEY = "dev-only-change-me"
    # None means "a SQLite file in the instance folder"; any SQLAlchemy URL works (PostgreSQL:
    # postgresql+psycopg://user:pass@host/dbname).
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Where the Whoosh index lives; relative paths are taken from the project root.
    SEARCH_INDEX_DIR = "search_index"
    CATALOG_PAGE_SIZE = 20
    API_MAX_PAGE_SIZE = 100
    # Rendered catalog fragments kept per worker; 0 turns the cache off.
    FRAGMENT_CACHE_SIZE = 512
    # Hosts allowed to frame the embeddable legend fragment (Content-Security-Policy
    # frame-ancestors); "*" allows any.
    LEGEND_FRAME_ANCESTORS = "*"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    OPERATOR_NAME = "Marketplace operator"
