"""Browser fixtures: the app served on 127.0.0.1 in a thread, and Debian's Chromium via Playwright.

Playwright never downloads a browser here: it drives ``/usr/bin/chromium`` (Debian's package,
installed by ``make test``). Chromium gets the flags that keep it off the network.

Every test in this folder carries the ``browser`` marker: ``pytest -m "not browser"`` (``make
test-fast``) leaves them out.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.support.conftest import add_router_apps

CHROMIUM = (
    os.environ.get("CATALOG_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    """Mark the tests of this folder ``browser`` (the hook sees every collected test)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def apps(app, world):
    """The world's accounts, with the four apps of tests/support (every outcome of the router)."""
    add_router_apps(app)
    return world


@pytest.fixture
def live_server(app):
    """Serve ``app`` on a free port of 127.0.0.1; yield its base URL."""
    app.config["SERVER_NAME"] = None
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    assert os.path.exists(CHROMIUM), (
        f"Chromium not found at {CHROMIUM}: run `make test`, which installs it"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh desktop-sized page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    """A fresh phone-sized page (390 × 844, touch, device scale 3)."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    yield page
    context.close()
