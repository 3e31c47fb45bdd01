"""Against a real database: accepting an answer makes its thread suggestable, and the rebuild's
column reader (and its Markdown shortcut) gives the documents sync gives."""

import os

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from catalog.extensions import db
from catalog.forum import operations
from catalog.forum.models import Post
from catalog.forum.models import Thread
from catalog.markdown import plain_text
from catalog.search.engine import health
from catalog.search.engine import suggest
from catalog.search.indexing import documents
from catalog.search.indexing import sync
from tests.conftest import build_index

EVERYONE = ("public", "customers", "staff")


def suggested(app, title):
    """Ids the wizard's suggestion finds for a draft title."""
    return [hit.id for hit in suggest(app.config["SEARCH_INDEX_DIR"], title, "", EVERYONE)]


def toggle_and_sync(app, thread_id, reply_id):
    """Accept (or withdraw) a reply as the thread's answer, commit, and apply the outbox."""
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        operations.toggle_accepted(thread, db.session.get(Post, reply_id))
        db.session.commit()
        sync.sync(app.config["SEARCH_INDEX_DIR"], 5.0, app.config["SEARCH_SYNC_OVERLAP"])
        db.session.remove()


def test_accepting_an_answer_makes_the_thread_suggestable_until_it_is_withdrawn(app, forum):
    build_index(app)
    thread = f"thread:{forum['thread_id']}"
    assert thread not in suggested(app, "quarantine digest never arrives")
    toggle_and_sync(app, forum["thread_id"], forum["reply_id"])
    assert suggested(app, "quarantine digest never arrives") == [thread]
    toggle_and_sync(app, forum["thread_id"], forum["reply_id"])
    assert thread not in suggested(app, "quarantine digest never arrives")


def test_the_rebuild_reads_the_same_documents_as_sync(app, forum):
    with app.app_context():
        thread = db.session.get(Thread, forum["thread_id"])
        operations.toggle_accepted(thread, db.session.get(Post, forum["reply_id"]))
        db.session.add(Post(thread=thread, body="# A heading\n\n* a *list*", author_name="x"))
        db.session.commit()
        rebuilt = {doc.id: doc for doc in documents.all_documents()}
        ids = set(rebuilt) | {f"article:{forum['draft_id']}"}
        upserts, deletes = documents.load(ids)
        assert {doc.id: doc for doc in upserts} == rebuilt
        assert deletes == [f"article:{forum['draft_id']}"]
        assert rebuilt[f"thread:{forum['thread_id']}"].accepted


LINE = st.text(alphabet="ab Zé9_.,;:?!'\"()/%@$-*#[]<>&`|~\\=+\t1", max_size=25)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(LINE, st.just(""), st.just("Plain words here.")), max_size=5))
def test_the_markdown_shortcut_gives_what_rendering_gives(lines):
    text = "\n".join(lines)
    assert documents._plain(text) == plain_text(text)


def test_status_says_to_reindex_an_index_built_before_the_answers_index(app, runner, forum):
    build_index(app)
    assert "predates the answers index" not in runner.invoke(args=["search", "status"]).output
    path = health(app.config["SEARCH_INDEX_DIR"]).path
    for name in os.listdir(path):
        if name.startswith(("_answers_", "answers_")):
            os.remove(os.path.join(path, name))
    status = runner.invoke(args=["search", "status"]).output
    assert "predates the answers index" in status and "search reindex" in status
    assert suggested(app, "quarantine digest never arrives") == []
