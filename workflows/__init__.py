"""Temporal workflows of Ninyo (任用): recruitment campaign, application, appointment, claim.

Workflows are deterministic: they decide with the pure rules of ``domain/`` and write
events only through the activities of ``activities/``. Every workflow of Ninyo runs on
one task queue: ``settings.task_queue`` (``NINYO_TASK_QUEUE``), the one the worker polls
(``ninyo.bootstrap``).
"""
