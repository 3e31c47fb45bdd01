"""The catalog's cached list says each app's update time in the viewer's own zone: a fragment
rendered for one zone is never served to a viewer in another."""

from catalog.accounts.models import User
from catalog.extensions import db
from tests.conftest import add_apps
from tests.conftest import app_record
from tests.conftest import make_user


def test_each_viewer_reads_the_catalogs_times_in_their_own_zone(app, client, auth):
    add_apps(app, app_record("mail-shield", name="Mail Shield", updated="2026-03-01T12:00:00Z"))
    user_id = make_user(app, "delhi@example.com")
    with app.app_context():
        db.session.get(User, user_id).timezone = "Asia/Kolkata"
        db.session.commit()
    assert "Sun 1 Mar 2026 12:00 UTC" in client.get("/apps").get_data(as_text=True)
    auth.login("delhi@example.com")
    page = client.get("/apps").get_data(as_text=True)
    assert "Sun 1 Mar 2026 17:30 IST" in page
    assert "12:00 UTC" not in page
    auth.logout()
    assert "Sun 1 Mar 2026 12:00 UTC" in client.get("/apps").get_data(as_text=True)
