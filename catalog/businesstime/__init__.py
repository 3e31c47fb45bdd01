"""Business time, plain Python: calendars, when a clock is due, and why (no Flask, no database)."""
