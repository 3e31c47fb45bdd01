"""The request wizard's state: the answers so far, carried between steps in a signed field.

Nothing is stored until the last step, so the state travels with the form: signed (tamper-proof)
and time-limited by ``itsdangerous``. Each step owns some keys; the current step is the first
whose keys are missing.
"""

from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature
from itsdangerous import URLSafeTimedSerializer

STEPS = ("app", "describe", "classify", "deflect", "review")
STEP_KEYS = {
    "app": ("app",),
    "describe": ("title", "text"),
    "classify": ("severity", "kind"),
    "deflect": ("deflected",),
    "review": (),
}
STEP_TITLES = {
    "app": "Which app?",
    "describe": "Describe the problem",
    "classify": "How serious is it?",
    "deflect": "Does one of these answer it?",
    "review": "Where your request goes",
}
MAX_AGE_SECONDS = 2 * 60 * 60


def _serializer() -> URLSafeTimedSerializer:
    """The signer, keyed by the app's secret and a salt of its own."""
    return URLSafeTimedSerializer(current_app.secret_key, salt="support-wizard")


def dump(state: dict) -> str:
    """The state as a signed string for a hidden field."""
    return _serializer().dumps(state)


def load(signed: str) -> dict | None:
    """The state from a signed string, or None when it was altered or is too old."""
    try:
        state = _serializer().loads(signed, max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return None
    return state if isinstance(state, dict) else None


def current_step(state: dict) -> str:
    """The first step whose answers are missing (the review once all are given)."""
    return next(
        (step for step in STEPS if any(key not in state for key in STEP_KEYS[step])), "review"
    )


def reopen(state: dict, step: str) -> dict:
    """The state with the answers of ``step`` and every later step removed ("Change")."""
    if step not in STEPS:
        return state
    later = STEPS[STEPS.index(step) :]
    dropped = {key for name in later for key in STEP_KEYS[name]} | {"shown"}
    return {key: value for key, value in state.items() if key not in dropped}


def progress(step: str) -> tuple[int, int]:
    """(number of the step, number of steps), for "Step 2 of 5"."""
    return STEPS.index(step) + 1, len(STEPS)


def parse_instant(text: str | None) -> datetime | None:
    """An ISO instant from the state, or None."""
    try:
        value = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    return value if value is not None and value.tzinfo is not None else None
