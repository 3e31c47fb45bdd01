"""Gunicorn settings for the catalog: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Every value can be overridden by an environment variable (below) or on the command line.

* ``GUNICORN_BIND`` (default ``127.0.0.1:8000``): where to listen; put a reverse proxy that
  terminates HTTPS in front and set ``CATALOG_PROXY_COUNT`` to the number of proxies.
* ``GUNICORN_WORKERS`` (default 2 × CPUs + 1, at most 12): worker processes. The work is mostly
  waiting on the database and rendering, so a few per core; the cap keeps a large machine from
  opening more database connections than the server allows.
* ``GUNICORN_TIMEOUT`` (default 30 s): a worker silent for this long is killed and replaced.
* ``GUNICORN_GRACEFUL_TIMEOUT`` (default 30 s): on restart or stop, how long workers may finish
  their current requests.
* ``GUNICORN_KEEPALIVE`` (default 5 s): keep-alive behind a proxy on the same network.
* ``GUNICORN_ACCESS_LOG`` / ``GUNICORN_ERROR_LOG`` (default ``-``, standard output / error).
* ``GUNICORN_LOG_LEVEL`` (default ``info``).
* ``GUNICORN_MAX_REQUESTS`` (default 0, off): requests before a worker is replaced.

The search indexer and the mail sender are separate processes, not gunicorn workers
(``flask --app catalog search run-indexer``; see the README).
"""

import multiprocessing
import os

MAX_WORKERS = 12


def _default_workers() -> int:
    """2 × CPUs + 1, capped."""
    return min(2 * multiprocessing.cpu_count() + 1, MAX_WORKERS)


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or _default_workers())
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Load the app in each worker after the fork, never in the master: every worker then opens its
# own database connection pool and its own Whoosh searcher (neither may be shared across a fork),
# and `kill -HUP` reloads new code without restarting the master.
preload_app = False

# Replacing a worker after N requests (± 10 % jitter) bounds slow memory growth, but every
# replacement stalls that worker for about a second while the app loads again: at 2,000 a busy
# worker was replaced every few seconds and the catalog benchmark's p99 rose to ~800 ms. No
# leak is known, so it is off (0) unless GUNICORN_MAX_REQUESTS asks for it.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The combined log format plus the request time: %(M)s milliseconds, %(D)s microseconds.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
