"""Routers of the HTTP API: health, assessments, audit, lifecycle."""
