"""Thin clients for the two APIs: session, auth, paging, timeouts, rate limiting and retry."""
