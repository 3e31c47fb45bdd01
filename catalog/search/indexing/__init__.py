"""The database side of search: an outbox written with every change, applied after commit.

``catalog.search.engine`` is the Whoosh engine and knows nothing of the database; this package
records which documents changed (in the same transaction as the change), turns rows into
documents and feeds them to the engine once the transaction has committed.
"""
