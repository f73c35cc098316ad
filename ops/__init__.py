"""Operator tools (issue 10): erasure of a person, stuck-work listing; used by the CLI
and the admin API routes."""
