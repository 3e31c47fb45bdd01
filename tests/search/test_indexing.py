"""Index, update, delete and re-apply: the index follows the database."""

from catalog.search.engine import apply
from catalog.search.engine import search
from tests.search.conftest import make_doc

EVERYONE = ("public", "customers", "staff")


def ids(results):
    """Return the hit ids of a result page."""
    return [hit.id for hit in results.hits]


def test_indexed_document_is_found(index_folder):
    assert "thread:4" in ids(search(index_folder, "proxy", EVERYONE))


def test_new_document_is_found_after_apply(index_folder):
    apply(index_folder, [make_doc("thread:9", "Webhook retries", "Webhooks retry thrice.")])
    assert ids(search(index_folder, "webhook", EVERYONE)) == ["thread:9"]


def test_edit_finds_new_text_and_not_old(index_folder):
    apply(
        index_folder,
        [
            make_doc(
                "thread:4",
                "Installation fails behind a firewall",
                "The installer times out behind the firewall.",
            )
        ],
    )
    assert ids(search(index_folder, "firewall", EVERYONE)) == ["thread:4"]
    assert ids(search(index_folder, "proxy", EVERYONE)) == []


def test_deleted_document_is_gone(index_folder):
    apply(index_folder, deletes=["thread:4"])
    assert ids(search(index_folder, "proxy", EVERYONE)) == []
    assert search(index_folder, "proxy", EVERYONE).total == 0


def test_reapplying_the_same_batch_is_idempotent(index_folder):
    batch = [make_doc("thread:9", "Webhook retries", "Webhooks retry thrice.")]
    for _ in range(3):
        apply(index_folder, batch, deletes=["thread:4", "thread:404"])
    assert ids(search(index_folder, "webhook", EVERYONE)) == ["thread:9"]
    assert ids(search(index_folder, "proxy", EVERYONE)) == []


def test_empty_batch_writes_nothing(index_folder):
    assert apply(index_folder, [], []) == 0
