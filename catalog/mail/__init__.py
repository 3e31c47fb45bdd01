"""E-mail core: parse inbound mail, match it to tickets, compose and send notifications.

Pure Python on the standard ``email`` package (``email.policy.default``); no Flask and no
database here, so the ticket layer can wire it to models, an outbox table and CLI commands.

Modules, by role:

- ``inbound``   -- ``parse_message(raw) -> InboundMessage``: one raw RFC 5322 message, decoded
  robustly (broken charsets, encoded-words, missing headers, attachment limits, auto-replies).
- ``matching``  -- which ticket a reply belongs to: ``candidate_message_ids``,
  ``reference_in_subject``, and ``strip_quoted`` for the text worth storing.
- ``outbound``  -- ``compose_notification(Notification, sender=, domain=)`` returns
  ``(EmailMessage, message_id)``; record the id to thread replies.
- ``transport`` -- ``send(message, SmtpSettings)`` over smtplib, plus ``write_to_folder`` for
  development; failures raise ``MailSendError`` whose ``retryable`` says whether a later retry
  can help (``TemporarySendError`` / ``PermanentSendError``).
- ``ids``, ``charsets``, ``htmltext``, ``autoreply`` -- small helpers used by the above.
"""
