"""Accounts of the web registry (roles, argon2 passwords, sessions, API tokens)."""
