"""The e-mail channel of tickets: notifications out through an outbox, replies in.

``catalog.mail`` is the Flask-free e-mail core (parse, match, compose, send). This package ties
it to tickets and the database:

- ``models``        -- the outbox, the Message-IDs of each ticket's thread, the inbound log.
- ``events``        -- session hooks: ticket events become outbox rows in the same transaction.
- ``notifications`` -- which events tell whom what; composes the messages.
- ``recipients``    -- the participants on each side of a ticket.
- ``outbox``        -- claim a row atomically, settle it as sent, retried or failed.
- ``worker``        -- the sender pass (``flask mail send`` / ``mail run-sender``).
- ``receive``       -- one inbound message: thread it, check the sender, append, open or bounce.
- ``listener``      -- the aiosmtpd SMTP/LMTP listener (``flask mail serve``).
"""
