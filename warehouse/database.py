"""Helpers for the SQL databases both sides talk to (sources read partner databases, publishing writes releases
into one): database errors for people, credentials masked."""

from __future__ import annotations

from warehouse.redact import redact, safe_url


def sql_failure(action: str, url: str, exc: Exception) -> str:
    """A database error for people: what failed where and the driver's own message, shortened, every credential
    masked (the driver may echo the connection string)."""
    return redact(f"{action} {safe_url(url)} failed: {type(exc).__name__}: {str(getattr(exc, 'orig', exc))[:300]}")
