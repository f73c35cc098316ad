"""The HTTP API (FastAPI) for HR officers, approvers and auditors."""
