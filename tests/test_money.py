"""Money: the CURRENCY setting, checked at startup, and the money filter on every amount."""

from decimal import Decimal

import pytest

from catalog import create_app
from catalog.extensions import db
from catalog.templating import format_money
from tests.conftest import make_app
from tests.conftest import make_user
from tests.support.conftest import PRO_APP
from tests.support.conftest import add_router_apps
from tests.support.tickets import make_ticket
from tests.support.tickets import quoted_ticket


def test_amounts_are_shown_in_the_configured_currency(app):
    with app.app_context():
        assert format_money(Decimal("900")) == "€900.00"
        assert format_money(Decimal("1234.5")) == "€1,234.50"
        assert format_money(Decimal("100"), whole=True) == "€100"
        assert format_money(Decimal("100.50"), whole=True) == "€100.50"
        assert format_money("150.00") == "€150.00"
        assert format_money(None) == "" and format_money("") == ""
        assert format_money("not money") == "not money"


def test_another_currency_is_shown_with_its_own_sign(tmp_path, database_url):
    other = make_app(tmp_path, database_url, CURRENCY="USD")
    with other.app_context():
        assert format_money(Decimal("99.5")) == "$99.50"
        db.engine.dispose()


@pytest.mark.parametrize("code", ["EURO", "eur", "", 978])
def test_an_unknown_currency_stops_the_app_with_a_clear_message(tmp_path, code):
    with pytest.raises(RuntimeError, match="ISO 4217"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "CURRENCY": code})


def test_the_app_page_shows_the_consulting_rate_with_the_currency(app, client, world):
    add_router_apps(app)
    html = client.get(f"/apps/{PRO_APP}").get_data(as_text=True)
    assert "Rate €100–€200 per hour" in html


def test_a_quote_shows_rate_and_total_with_the_currency(app, auth, world):
    add_router_apps(app)
    customer_id = make_user(app, "buyer@example.com")
    staff_id = make_user(app, "agent@example.com", "staff")
    reference, _quote = quoted_ticket(app, customer_id, staff_id)
    auth.login("buyer@example.com")
    html = auth._client.get(f"/support/tickets/{reference}").get_data(as_text=True)
    assert "4 h × €150.00 = €600.00 (EUR)" in html
    auth.logout()
    auth.login("agent@example.com")
    html = auth._client.get(f"/support/tickets/{reference}").get_data(as_text=True)
    assert "4 h × €150.00 = €600.00 (EUR)" in html


def test_the_quote_form_states_the_range_and_the_currency(app, auth, world):
    add_router_apps(app)
    reference = make_ticket(app, make_user(app, "buyer@example.com"), "consulting", PRO_APP)
    make_user(app, "agent@example.com", "staff")
    auth.login("agent@example.com")
    html = auth._client.get(f"/support/tickets/{reference}").get_data(as_text=True)
    assert "Rate range for this app: €100.00 to €200.00 per hour" in html
    assert "Hourly rate (EUR)" in html
