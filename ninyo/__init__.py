"""Ninyo (任用): shared infrastructure — settings, logging, crypto helpers.

The product's layers live in the top-level packages fixed by the design card:
``domain`` (pure rules), ``eventstore``, ``workflows``, ``activities``, ``api``, ``cli``
and ``worker.py``.
"""

__version__ = "0.1.0"
