"""Ids on ``<int:…>`` routes stop at 2^31 − 1, what the INTEGER id columns hold on PostgreSQL.

Before, 2^31 … 2^63 − 1 passed the converter and PostgreSQL answered "integer out of range": a
500 on every ``<int:>`` route. Now a larger id is no page (404) on both databases.
"""

import pytest
from sqlalchemy import BigInteger
from sqlalchemy.dialects import postgresql

from catalog.accounts.models import User
from catalog.forum.models import Article
from catalog.forum.models import Post
from catalog.forum.models import Thread
from catalog.inputguard import MAX_ID
from catalog.support.tickets.models import Attachment
from catalog.support.tickets.models import ConsultingQuote

PATHS = ("/forum/t/{}", "/forum/p/{}", "/forum/articles/{}")


# The models behind every ``<int:…>`` route (user_id, thread_id, post_id, article_id, quote_id,
# attachment_id). A BigInteger id here would need a larger bound for its route.
ROUTED = (User, Thread, Post, Article, ConsultingQuote, Attachment)


def test_the_bound_is_what_a_32_bit_integer_column_holds():
    assert MAX_ID == 2**31 - 1
    dialect = postgresql.dialect()
    for model in ROUTED:
        column = model.__table__.c.id
        assert not isinstance(column.type, BigInteger), model
        assert column.type.compile(dialect=dialect) == "INTEGER", model


@pytest.mark.parametrize("number", [2**31 - 1, 2**31, 2**32, 2**63 - 1])
@pytest.mark.parametrize("path", PATHS)
def test_an_id_beyond_the_column_is_a_404_not_a_500(app, client, path, number):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get(path.format(number)).status_code == 404
