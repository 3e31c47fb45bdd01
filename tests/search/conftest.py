"""Fixtures: real Whoosh indexes in temporary folders, no mocks."""

import datetime

import pytest

from catalog.search.engine import Document
from catalog.search.engine import rebuild
from catalog.search.engine import searcher

BASE = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


def make_doc(doc_id, title, body, **fields):
    """Return a Document with sensible defaults for tests."""
    fields.setdefault("type", doc_id.split(":")[0])
    fields.setdefault("section", "general")
    fields.setdefault("created", BASE)
    return Document(id=doc_id, title=title, body=body, **fields)


CORPUS = [
    make_doc(
        "thread:1",
        "Refund for a cancelled subscription",
        "I cancelled my subscription and want a refund of the last invoice.",
        app="jira-sync",
        section="jira-sync",
        created=BASE + datetime.timedelta(days=1),
    ),
    make_doc(
        "reply:2",
        "Re: Refund for a cancelled subscription",
        "Refunds are issued within five days after the cancellation.",
        app="jira-sync",
        section="jira-sync",
        parent="thread:1",
        accepted=True,
        created=BASE + datetime.timedelta(days=2),
    ),
    make_doc(
        "article:3",
        "How refunds work",
        "Every refund request is reviewed by billing within two working days.",
        section="billing",
        created=BASE + datetime.timedelta(days=3),
    ),
    make_doc(
        "thread:4",
        "Installation fails behind a proxy",
        "The installer times out when the proxy requires authentication.",
        app="confluence-pdf",
        section="confluence-pdf",
        created=BASE + datetime.timedelta(days=4),
    ),
    make_doc(
        "thread:5",
        "Refund is not a request we handle here",
        "Ask billing, this section is about installation.",
        section="installation",
        created=BASE + datetime.timedelta(days=5),
    ),
    make_doc(
        "article:6",
        "Secret staff runbook: quarantine procedure",
        "Internal only. Use the zygomorphic quarantine procedure for refund fraud.",
        section="billing",
        visibility="staff",
        created=BASE + datetime.timedelta(days=6),
    ),
    make_doc(
        "article:7",
        "Customer licence renewal guide",
        "Renewal of a customer licence happens on the marketplace invoice page.",
        section="billing",
        visibility="customers",
        created=BASE + datetime.timedelta(days=7),
    ),
    make_doc(
        "app:8",
        "Jira Sync",
        "Synchronise Jira issues with your calendar.",
        app="jira-sync",
        section="apps",
        created=BASE + datetime.timedelta(days=8),
    ),
]


@pytest.fixture(autouse=True)
def instant_refresh(monkeypatch):
    """Make cached searchers see every commit at once."""
    monkeypatch.setattr(searcher, "REFRESH_SECONDS", 0.0)


@pytest.fixture
def index_folder(tmp_path):
    """A fresh index of CORPUS that a test may change."""
    folder = str(tmp_path / "search_index")
    rebuild(folder, CORPUS, procs=1)
    return folder


@pytest.fixture(scope="module")
def shared_index(tmp_path_factory):
    """A read-only index of CORPUS shared by a module's tests."""
    folder = str(tmp_path_factory.mktemp("shared") / "search_index")
    rebuild(folder, CORPUS, procs=1)
    return folder
