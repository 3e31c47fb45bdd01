"""Which apps a plan covers, and the router following it."""

from types import SimpleNamespace

from catalog.accounts.models import User
from catalog.db import utcnow
from catalog.extensions import db
from catalog.marketplace.models import App
from catalog.marketplace.models import Category
from catalog.support.plans import describe
from catalog.support.plans.models import Plan
from catalog.support.wizard.intake import assess
from tests.conftest import add_apps
from tests.conftest import app_record
from tests.support.conftest import subscribe

PROFESSIONAL = {"operator": {"professional": True}}


def _plan(**values):
    defaults = {"covers_professional": True, "covers_all_apps": False, "apps": [], "categories": []}
    return SimpleNamespace(**{**defaults, **values})


def _app(app_id: int, category_id: int):
    return SimpleNamespace(id=app_id, category_id=category_id)


def test_a_plan_covers_all_apps_or_the_chosen_apps_or_their_categories():
    mail, backup = SimpleNamespace(id=1), SimpleNamespace(id=2)
    shield, vault = _app(10, mail.id), _app(20, backup.id)
    assert describe.covers(_plan(covers_all_apps=True), vault)
    assert describe.covers(_plan(categories=[mail]), shield)
    assert not describe.covers(_plan(categories=[mail]), vault)
    assert describe.covers(_plan(apps=[vault]), vault)
    assert not describe.covers(_plan(), shield)
    assert not describe.covers(_plan(covers_all_apps=True, covers_professional=False), shield)
    assert not describe.covers(None, shield)


def test_a_plan_for_mail_routes_a_mail_app_to_professional_and_a_backup_app_elsewhere(app, world):
    add_apps(
        app,
        app_record("mail-guard", category="Mail", support={**PROFESSIONAL}),
        app_record(
            "safe-backup",
            category="Backup",
            support={**PROFESSIONAL, "forum_url": "https://forum.example.org/c/backup"},
        ),
    )
    subscribe(app, world["customer"], plan="level-2")
    with app.app_context():
        plan = db.session.scalar(db.select(Plan).where(Plan.slug == "level-2"))
        plan.covers_all_apps = False
        plan.categories = [db.session.scalar(db.select(Category).where(Category.name == "Mail"))]
        db.session.commit()
        user = db.session.scalar(db.select(User).where(User.email == world["customer"]))

        def routed(slug):
            found = db.session.scalar(db.select(App).where(App.slug == slug))
            return assess(found, user, 2, "incident", utcnow()).decision

        mail = routed("mail-guard")
        assert mail.channel == "professional"
        backup = routed("safe-backup")
        assert backup.channel == "forum_casual"
        assert "does not cover professional support for this app" in (
            backup.verdict("professional").reason
        )
