"""The forum: posting, validation, accepted answers, votes, moderation, sections and articles."""

from sqlalchemy import func
from sqlalchemy import select

from catalog.db import utcnow
from catalog.extensions import db
from catalog.forum.models import Article
from catalog.forum.models import Post
from catalog.forum.models import Section
from catalog.forum.models import Thread
from catalog.forum.models import Vote
from catalog.isv import operations as isv_operations
from catalog.isv.models import ForumSectionRequest
from catalog.marketplace.models import App
from tests.conftest import APP_A
from tests.conftest import APP_B


def _thread(app, thread_id):
    """A fresh copy of a thread."""
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        db.session.expunge(thread)
        return thread


def test_member_starts_a_thread_and_reads_it(client, auth, world, forum):
    auth.login(world["customer"])
    response = auth.post(
        f"/forum/s/{forum['section']}/new",
        {"title": "VPN drops every hour", "body": "It **drops**."},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "VPN drops every hour" in page and "<strong>drops</strong>" in page


def test_rejected_thread_keeps_what_was_typed(client, auth, world, forum):
    auth.login(world["customer"])
    response = auth.post(
        f"/forum/s/{forum['section']}/new", {"title": "Hey", "body": "My long typed question text"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "My long typed question text" in html and "at least 5 characters" in html


def test_anonymous_visitor_is_sent_to_log_in_before_posting(client, forum):
    response = client.get(f"/forum/s/{forum['section']}/new")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_markup_in_posts_is_never_rendered(client, auth, world, forum):
    auth.login(world["customer"])
    auth.post(
        f"/forum/t/{forum['thread_id']}/reply",
        {"body": "<script>alert(1)</script> [x](javascript:alert(1))"},
    )
    html = client.get(f"/forum/t/{forum['thread_id']}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and 'href="javascript' not in html


def test_thread_author_accepts_an_answer_and_can_withdraw_it(app, auth, world, forum):
    auth.login(world["customer"])
    assert auth.post(f"/forum/p/{forum['reply_id']}/accept").status_code == 302
    assert _thread(app, forum["thread_id"]).accepted_post_id == forum["reply_id"]
    auth.post(f"/forum/p/{forum['reply_id']}/accept")
    assert _thread(app, forum["thread_id"]).accepted_post_id is None


def test_other_vendors_isv_cannot_accept_an_answer(auth, world, forum):
    auth.login(world["isv_b"])
    assert auth.post(f"/forum/p/{forum['reply_id']}/accept").status_code == 403


def test_a_member_marks_a_post_helpful_once(app, auth, world, forum):
    auth.login(world["customer"])
    auth.post(f"/forum/p/{forum['reply_id']}/helpful")
    with app.app_context():
        assert db.session.get(Post, forum["reply_id"]).helpful_count == 1
        assert db.session.scalar(select(func.count(Vote.id))) == 1
    auth.post(f"/forum/p/{forum['reply_id']}/helpful")  # a second press takes it back
    with app.app_context():
        assert db.session.get(Post, forum["reply_id"]).helpful_count == 0


def test_own_post_cannot_be_marked_helpful(app, auth, world, forum):
    auth.login(world["isv_a"])
    auth.post(f"/forum/p/{forum['reply_id']}/helpful")
    with app.app_context():
        assert db.session.get(Post, forum["reply_id"]).helpful_count == 0


def test_locked_thread_refuses_member_replies_but_not_moderators(auth, world, forum):
    auth.login(world["isv_a"])
    auth.post(f"/forum/t/{forum['thread_id']}/moderate", {"action": "lock"})
    assert (
        auth.post(f"/forum/t/{forum['thread_id']}/reply", {"body": "Moderator note"}).status_code
        == 302
    )
    auth.logout()
    auth.login(world["customer"])
    assert auth.post(f"/forum/t/{forum['thread_id']}/reply", {"body": "Me too"}).status_code == 403


def test_hidden_thread_is_gone_for_members_and_shown_to_its_moderators(client, auth, world, forum):
    auth.login(world["staff"])
    auth.post(f"/forum/t/{forum['thread_id']}/moderate", {"action": "hide"})
    assert client.get(f"/forum/t/{forum['thread_id']}").status_code == 200
    auth.logout()
    auth.login(world["isv_b"])
    assert client.get(f"/forum/t/{forum['thread_id']}").status_code == 404
    assert "Quarantine digest" not in client.get(f"/forum/s/{forum['section']}").get_data(
        as_text=True
    )


def test_isv_moves_a_thread_from_its_section_to_a_general_one(app, auth, world, forum):
    with app.app_context():
        general = db.session.scalar(select(Section.id).where(Section.slug == "billing"))
    auth.login(world["isv_a"])
    assert (
        auth.post(
            f"/forum/t/{forum['thread_id']}/moderate", {"action": "move", "section": general}
        ).status_code
        == 302
    )
    assert _thread(app, forum["thread_id"]).section_id == general


def test_move_without_a_target_is_rejected(auth, world, forum):
    auth.login(world["staff"])
    response = auth.post(
        f"/forum/t/{forum['thread_id']}/moderate", {"action": "move", "section": "0"}
    )
    assert response.status_code == 400 and "Choose the section" in response.get_data(as_text=True)


def test_staff_only_article_and_drafts_are_404_for_everyone_else(client, auth, world, forum):
    staff_article, draft = forum["article"]["staff"], forum["draft_id"]
    customers = forum["article"]["customers"]
    assert client.get(f"/forum/articles/{customers}").status_code == 404
    auth.login(world["customer"])
    assert client.get(f"/forum/articles/{customers}").status_code == 200
    assert client.get(f"/forum/articles/{staff_article}").status_code == 404
    assert client.get(f"/forum/articles/{draft}").status_code == 404
    assert "Runbook staff" not in client.get("/forum/articles").get_data(as_text=True)
    auth.logout()
    auth.login(world["staff"])
    assert client.get(f"/forum/articles/{staff_article}").status_code == 200


def test_staff_promote_a_thread_to_a_draft_article(app, auth, world, forum):
    auth.login(world["staff"])
    response = auth.post(f"/forum/t/{forum['thread_id']}/promote")
    assert response.status_code == 302 and "/edit" in response.headers["Location"]
    with app.app_context():
        article = db.session.scalar(
            select(Article).where(Article.source_thread_id == forum["thread_id"])
        )
        assert article.status == "draft" and "quarantine digest" in article.body


def test_staff_write_an_article_and_a_bad_one_keeps_its_text(client, auth, world, forum):
    auth.login(world["staff"])
    bad = auth.post(
        "/forum/articles/new",
        {
            "title": "Ok",
            "body": "Kept body text",
            "app_id": 0,
            "section_id": 0,
            "visibility": "public",
            "status": "draft",
            "source": "fresh",
        },
    )
    assert bad.status_code == 400 and "Kept body text" in bad.get_data(as_text=True)
    good = auth.post(
        "/forum/articles/new",
        {
            "title": "Good title here",
            "body": "Text",
            "app_id": 0,
            "section_id": 0,
            "visibility": "customers",
            "status": "published",
            "source": "fresh",
        },
    )
    assert good.status_code == 302


def test_turning_on_the_dedicated_forum_creates_the_section_at_once(app, world):
    with app.app_context():
        target = db.session.scalar(select(App).where(App.slug == APP_B))
        isv_operations.save_app(target, {}, {"forum_dedicated": True}, None, utcnow())
        db.session.commit()
        section = db.session.scalar(select(Section).where(Section.app_id == target.id))
        request = db.session.scalar(
            select(ForumSectionRequest).where(ForumSectionRequest.app_id == target.id)
        )
        assert section.slug == APP_B and request.fulfilled_at is not None


def test_sync_sections_command_fulfils_pending_requests(app, runner, world):
    with app.app_context():
        target = db.session.scalar(select(App).where(App.slug == APP_A))
        db.session.add(ForumSectionRequest(app_id=target.id))
        db.session.commit()
    result = runner.invoke(args=["forum", "sync-sections"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        slugs = set(db.session.scalars(select(Section.slug)))
    assert {APP_A, "billing", "getting-started"} <= slugs


def test_app_page_links_to_its_forum_section(client, forum):
    assert f'href="/forum/s/{forum["section"]}"' in client.get(f"/apps/{APP_A}").get_data(
        as_text=True
    )
    assert "/forum/s/" not in client.get(f"/apps/{APP_B}").get_data(as_text=True)


def test_forum_pages_paginate_and_show_empty_states(app, client, world, forum):
    app.config["FORUM_PAGE_SIZE"] = 1
    assert "No threads here yet" in client.get("/forum/s/billing").get_data(as_text=True)
    assert client.get(f"/forum/t/{forum['thread_id']}?page=2").status_code == 200
    assert client.get(f"/forum/t/{forum['thread_id']}?page=3").status_code == 404
    assert client.get(f"/forum/t/{forum['thread_id']}?page=abc").status_code == 200
    link = client.get(f"/forum/p/{forum['reply_id']}")
    assert link.status_code == 302 and "page=2" in link.headers["Location"]


def test_nav_has_the_forum_link_and_a_search_box(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/forum/"' in html and 'action="/search"' in html
