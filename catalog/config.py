"""Code defaults of the configuration.

Layers, each overriding the one before: these defaults → ``instance/config.py`` (optional) →
environment variables prefixed ``CATALOG_`` (values parsed as JSON where they can be, so
``CATALOG_CATALOG_PAGE_SIZE=50`` is an int) → the mapping a test passes to ``create_app``.
"""

from babel.numbers import list_currencies

ENV_PREFIX = "CATALOG"


class Defaults:
    """Settings a fresh install runs with."""

    # None: a random key is made once per instance folder (instance/secret_key) and reused, so
    # no two installs share a key. Set it explicitly when several machines serve one site.
    SECRET_KEY = None
    # None means "a SQLite file in the instance folder"; any SQLAlchemy URL works (PostgreSQL:
    # postgresql+psycopg://user:pass@host/dbname).
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # A request that ends with uncommitted changes raises (catalog.unitofwork); None: when TESTING.
    UNIT_OF_WORK_STRICT = None
    # Where the Whoosh index lives; relative paths are taken from the project root.
    SEARCH_INDEX_DIR = "search_index"
    # When no indexer runs (a dev server, tests), apply the search outbox right after a request's
    # commit, so a post is searchable at once. While the indexer (`flask --app catalog search
    # run-indexer`) runs, requests leave it the work (docs/search.md, SEARCH_INDEXER_FRESH).
    SEARCH_SYNC_IN_REQUEST = True
    # A request leaves the outbox to the indexer when the indexer's heartbeat (touched every
    # second) is at most this many seconds old, i.e. an indexer is running for this folder.
    SEARCH_INDEXER_FRESH = 3.0
    # Seconds a request waits for the index before leaving the work to the indexer.
    SEARCH_SYNC_TIMEOUT = 1.0
    # Seconds of outbox re-scanned on every sync: ids that commit out of order are still found.
    SEARCH_SYNC_OVERLAP = 5.0
    # Seconds the indexer and `search sync` wait for the index write lock.
    SEARCH_WRITE_TIMEOUT = 10.0
    # Processes for a full rebuild (None: one per CPU).
    SEARCH_BUILD_PROCS = None
    SEARCH_PAGE_SIZE = 10
    # Result pages each web process keeps for repeated searches, keyed by the index generation
    # (a commit or a rebuild makes older entries unreachable); 0 turns the cache off.
    SEARCH_RESULT_CACHE_SIZE = 256
    FORUM_PAGE_SIZE = 20
    CATALOG_PAGE_SIZE = 20
    API_MAX_PAGE_SIZE = 100
    # Rendered catalog fragments kept per worker; 0 turns the cache off.
    FRAGMENT_CACHE_SIZE = 512
    # Hosts allowed to frame the embeddable legend fragment (Content-Security-Policy
    # frame-ancestors); "*" allows any.
    LEGEND_FRAME_ANCESTORS = "*"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Send the session cookie over HTTPS only. Off so a local http:// install works; turn it on
    # in production behind TLS: CATALOG_SESSION_COOKIE_SECURE=true.
    SESSION_COOKIE_SECURE = False
    # Password hashing (werkzeug): scrypt by default; tests pass cheaper parameters.
    PASSWORD_HASH_METHOD = "scrypt"
    # Failed logins allowed per window, per account and per remote address, before 429.
    LOGIN_FAILURES_PER_ACCOUNT = 5
    LOGIN_FAILURES_PER_ADDRESS = 20
    LOGIN_FAILURE_WINDOW_MINUTES = 15
    # Rate limits per client address (catalog/ratelimits.py), in Flask-Limiter's notation. The
    # default storage memory:// counts in each worker process on its own (4 workers allow 4 times
    # a limit); with several workers or machines point RATELIMIT_STORAGE_URI at a shared
    # redis://host:6379 or memcached://host:11211 (pip install redis / pymemcache).
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_STRATEGY = "fixed-window"
    RATELIMIT_LOGIN = "10 per minute; 60 per hour"
    RATELIMIT_SIGN_UP = "5 per minute; 30 per hour"
    RATELIMIT_PASSWORD_RESET = "5 per minute; 30 per hour"
    RATELIMIT_INVITATIONS = "10 per minute; 100 per hour"
    RATELIMIT_TICKETS = "10 per minute; 60 per hour"
    RATELIMIT_SEARCH = "60 per minute"
    # Search-as-you-type: a request on each pause in typing (the scripts wait 250 ms, skip a
    # repeated query and back off after a 429), so a fast typist stays well under it.
    RATELIMIT_SUGGEST = "120 per minute; 3000 per hour"
    RATELIMIT_API = "300 per minute"
    # How long e-mailed links stay valid, in seconds.
    PASSWORD_RESET_MAX_AGE = 60 * 60
    INVITE_MAX_AGE = 7 * 24 * 60 * 60
    EMAIL_VERIFY_MAX_AGE = 7 * 24 * 60 * 60
    # The public address every link in every e-mail starts with, e.g. "https://support.example.com"
    # (a path prefix is allowed). Never taken from a request's Host header, which the sender of a
    # request chooses. None: SERVER_NAME (with PREFERRED_URL_SCHEME), else the development server
    # http://127.0.0.1:5000 (catalog/links.py). Production sets it, and TRUSTED_HOSTS.
    SITE_URL = None
    # Host names this site answers to (Flask's TRUSTED_HOSTS): any other Host header gets a 400.
    # None accepts every host; production lists its public names, e.g. ["support.example.com"].
    TRUSTED_HOSTS = None
    # Outgoing mail: "console" (stderr and the log), "file" (.eml files in MAIL_FILE_DIR) or
    # "smtp" (the server below). See docs/email.md.
    MAIL_BACKEND = "console"
    # Account mail (sign-up, reset) leaves from a thread, so response times reveal nothing.
    MAIL_ACCOUNT_IN_BACKGROUND = True
    MAIL_FILE_DIR = None
    MAIL_SENDER = "Support Catalog <noreply@catalog.invalid>"
    # Ticket notifications come from MAIL_FROM (None: MAIL_SENDER); replies to it must reach
    # ``flask mail serve`` or ``flask mail ingest``. MAIL_DOMAIN names our Message-IDs (None:
    # the domain of MAIL_FROM).
    MAIL_FROM = None
    MAIL_DOMAIN = None
    MAIL_SMTP_HOST = "localhost"
    MAIL_SMTP_PORT = 25
    MAIL_SMTP_SECURITY = "none"  # "none", "starttls" or "ssl"
    MAIL_SMTP_USERNAME = None
    MAIL_SMTP_PASSWORD = None
    MAIL_SMTP_TIMEOUT = 30.0
    # The outbox sender: temporary failures are retried after RETRY_BASE × 2^(attempt-1)
    # seconds (at most RETRY_MAX) until MAX_ATTEMPTS; a claim older than CLAIM_TIMEOUT seconds
    # means a sender died mid-send, and the row is failed rather than risk sending it twice.
    MAIL_RETRY_BASE_SECONDS = 60
    MAIL_RETRY_MAX_SECONDS = 3600
    MAIL_MAX_ATTEMPTS = 10
    MAIL_CLAIM_TIMEOUT_SECONDS = 15 * 60
    MAIL_SENDER_INTERVAL_SECONDS = 10
    # Also try sending a request's notifications right after its commit (never fails the request).
    MAIL_SEND_IN_REQUEST = False
    # Inbound: the largest message the listener accepts (SMTP SIZE), in bytes.
    MAIL_INBOUND_MAX_BYTES = 40 * 1024 * 1024
    # Inbound: authserv-ids of our own mail servers whose Authentication-Results header (DKIM or
    # SPF pass aligned with From) vouches for mail without a reply token (empty: trust none),
    # and the hours a request mailed without either waits for its sender's confirmation.
    MAIL_TRUSTED_AUTHSERV_IDS: tuple[str, ...] = ()
    MAIL_HELD_REQUEST_HOURS = 72
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    OPERATOR_NAME = "Marketplace operator"
    # The ISO 4217 code of every rate, price and quote amount shown (amounts are stored as
    # Decimal and carry no currency of their own). An unknown code stops create_app.
    CURRENCY = "EUR"
    # The IANA time zone pages show times in for visitors, and for users who chose no zone and
    # belong to no organisation (a user's own zone, then their organisation's, come first).
    DISPLAY_TIMEZONE = "UTC"
    # Behind a reverse proxy, how many proxies set X-Forwarded-For/-Proto/-Host (0: none, so the
    # client's own address is used for login throttling and links).
    PROXY_COUNT = 0
    # Support tickets: the reference prefix (SUP-000123), attachment limits, the quiet period
    # after which resolved tickets close themselves, and how long due times shown before
    # submitting stay valid.
    TICKET_REF_PREFIX = "SUP"
    # Every prefix ever used, so replies to old references still thread (None: the current one).
    TICKET_REF_PREFIXES = None
    TICKET_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
    TICKET_ATTACHMENT_MAX_FILES = 5
    TICKET_ATTACHMENT_EXTENSIONS = [
        "txt",
        "log",
        "csv",
        "json",
        "xml",
        "yaml",
        "yml",
        "conf",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "pdf",
        "zip",
        "gz",
    ]
    TICKET_QUIET_DAYS = 7
    TICKETS_PAGE_SIZE = 20
    WIZARD_QUOTE_GRACE_SECONDS = 15 * 60


def currency_problem(code: object) -> str | None:
    """Why ``code`` cannot be the CURRENCY setting, or None when it is a known ISO 4217 code."""
    if isinstance(code, str) and code in list_currencies():
        return None
    return (
        f"CURRENCY = {code!r} is not an ISO 4217 currency code we know; "
        "set it to one such as EUR, USD or CZK (CATALOG_CURRENCY=EUR)."
    )
