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
- ``receive``       -- authenticate it (a reply token from ``replytokens``, or our mail server's
  ``Authentication-Results``), thread it, then append (``storing``), open or hold a request
  (``newrequest``, with ``guess`` for the app address), quarantine or refuse (``refusals``).
- ``listener``      -- the aiosmtpd SMTP/LMTP listener (``flask mail serve``).
- ``views``, ``blueprint`` -- the page that confirms a request held for confirmation.

Shared: ``models`` (outbox, each ticket's Message-IDs, the inbound log and its quarantine, reply
tokens, held requests), ``settings`` (config to mail-core objects), ``cli`` (the ``mail``
commands).
"""
