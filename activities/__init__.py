"""Temporal activities: the I/O of the workflows (event store, notifications, documents).

Each group is a class receiving its dependencies; ``worker.py`` builds the real adapters.
"""
