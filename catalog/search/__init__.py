"""Search of the knowledge forum: the Whoosh engine, the outbox that feeds it, and its pages.

* ``engine/`` — plain Python over Whoosh: schema, queries, searching, building the index.
* ``indexing/`` — the database side: the outbox written with every change, applied after commit.
* ``web/`` — the search page, the search API, the finder that searches as the user, suggestions.
"""
