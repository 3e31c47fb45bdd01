"""Accounts: users, organisations, roles, log in and out, passwords."""
