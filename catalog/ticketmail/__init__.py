"""The e-mail channel of tickets: notifications out through an outbox, replies in.

``catalog.mail`` is the Flask-free e-mail core (parse, match, compose, send). This package ties
it to tickets and the database (see docs/email.md):

Out:
- ``events``        -- session hooks: ticket events become outbox rows in the same transaction.
- ``notifications`` -- which events tell whom what; composes the messages into the outbox.
- ``recipients``    -- the participants on each side of a ticket.
- ``outbox``        -- claim a row atomically, settle it as sent, retried or failed.
- ``worker``        -- the sender pass (``flask mail send`` / ``mail run-sender``).

In:
- ``ingest``        -- one delivered message as one unit of work (``mail ingest``, the listener).
- ``receive``       -- thread it, check the sender, then append (``storing``), open a request
  (``newrequest``, with ``guess`` for the app) or refuse (``refusals``).
- ``listener``      -- the aiosmtpd SMTP/LMTP listener (``flask mail serve``).

Shared: ``models`` (outbox, each ticket's Message-IDs, the inbound log), ``settings`` (config to
mail-core objects), ``cli`` (the ``mail`` commands).
"""
