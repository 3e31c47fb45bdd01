"""One unit of work per request and per command: the one place that commits.

Views, operations and command bodies only flush. The unit around them ends the transaction:

* A **request** commits when its view returns a response below 400, and rolls back when the
  view raises or answers with an error status (a refused form saves nothing it half-wrote). A
  view that must keep what it wrote while refusing (a failed login records the failure that
  throttles the next attempt) says so with :func:`keep_changes`; a view that caught an
  operation's error and goes on to answer normally drops the half-done work with
  :func:`discard_changes`.
* A **command** is decorated with :func:`command`: it commits once when it returns and rolls
  back when it raises or exits (``SystemExit``, ``click.ClickException``). Long-running workers
  (the indexer, the mail sender and listener) are marked with :func:`worker` instead and run
  each item of their loop in :func:`unit_of_work`.
* Work that must see the committed data (building the search index after ``load-demo``) is
  registered with :func:`after_commit` and runs only once the commit has succeeded.

In test mode (``UNIT_OF_WORK_STRICT``, on when ``TESTING``), a request that ends with flushed
but uncommitted work, or with changed objects never flushed, fails loudly instead of dropping
them without a word.

One deliberate exception: the login throttle counts each attempt on a connection of its own that
commits at once (``accounts/throttle.py``), because parallel attempts must see the count before
the request that made it ends.
"""

import functools
from collections.abc import Callable
from contextlib import contextmanager

from flask import Flask
from flask import Response
from flask import current_app

from catalog.extensions import db

KEEP = "uow_keep_changes"
AFTER_COMMIT = "uow_after_commit"
UNSAVED = "uow_unsaved_flush"


class UnfinishedWork(RuntimeError):
    """A request ended with database changes that were neither committed nor rolled back."""


def commit() -> None:
    """Commit the session, then run the callbacks registered for this unit (the one commit)."""
    session = db.session
    callbacks = session.info.pop(AFTER_COMMIT, [])
    session.info.pop(KEEP, None)
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise
    for callback in callbacks:
        callback()


def rollback() -> None:
    """Roll the session back and forget what this unit registered."""
    db.session.info.pop(AFTER_COMMIT, None)
    db.session.info.pop(KEEP, None)
    db.session.rollback()


discard_changes = rollback


def keep_changes() -> None:
    """Commit this request's changes even though it answers with an error status."""
    db.session.info[KEEP] = True


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once this unit has committed (never if it rolls back)."""
    db.session.info.setdefault(AFTER_COMMIT, []).append(callback)


@contextmanager
def unit_of_work():
    """Commit what the block flushed when it ends normally; roll back if it raises."""
    try:
        yield
    except BaseException:
        rollback()
        raise
    commit()


def command(function: Callable) -> Callable:
    """Run a CLI command as one unit of work (place it under ``with_appcontext``)."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        with unit_of_work():
            return function(*args, **kwargs)

    run.unit_of_work = "command"
    return run


def worker(function: Callable) -> Callable:
    """Mark a long-running command whose loop runs each item in its own :func:`unit_of_work`."""
    function.unit_of_work = "worker"
    return function


class UnitOfWorkFlask(Flask):
    """Flask whose every view runs in one unit of work (Indico's ``RH.process``, in one place)."""

    def dispatch_request(self):
        """Run the view; commit a normal answer, roll back an error or an exception."""
        try:
            response = self.make_response(super().dispatch_request())
        except BaseException:
            rollback()
            raise
        return finish(response)


def finish(response: Response) -> Response:
    """End the request's unit by its response status (see the module docstring)."""
    if response.status_code < 400 or db.session.info.get(KEEP):
        commit()
    else:
        rollback()
    return response


def _note_flush(session, flush_context) -> None:
    """after_flush: the transaction now holds work that a commit must save."""
    session.info[UNSAVED] = True


def _forget_flush(session) -> None:
    """after_commit / after_rollback: nothing unsaved is left."""
    session.info.pop(UNSAVED, None)


SESSION_LISTENERS = [
    ("after_flush", _note_flush),
    ("after_commit", _forget_flush),
    ("after_rollback", _forget_flush),
]


def unfinished(session) -> list[str]:
    """What a session holds that was never committed: flushed work and unflushed changes."""
    found = []
    if session.info.get(UNSAVED):
        found.append("flushed changes")
    pending = [*session.new, *session.deleted]
    pending += [obj for obj in session.dirty if session.is_modified(obj)]
    if pending:
        found.append(
            "unflushed changes to " + ", ".join(sorted({type(o).__name__ for o in pending}))
        )
    return found


def check_finished(error) -> None:
    """teardown_request in strict mode: refuse a request that left work uncommitted."""
    if not current_app.config["UNIT_OF_WORK_STRICT"]:
        return
    left = unfinished(db.session)
    if left:
        db.session.rollback()
        raise UnfinishedWork(
            "the request ended with "
            + " and ".join(left)
            + " that nothing committed (write them in the view, before it returns)"
        )


def init_app(app: Flask) -> None:
    """Check every request's unit in strict mode (on when testing, unless configured)."""
    if app.config.get("UNIT_OF_WORK_STRICT") is None:
        app.config["UNIT_OF_WORK_STRICT"] = bool(app.testing)
    app.teardown_request(check_finished)
