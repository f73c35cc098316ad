"""Rule violations carry the rule ID of the domain brief (``R-SUB-3`` ...)."""

from __future__ import annotations


class RuleViolation(Exception):
    """A command or input that a rule of the manual refuses.

    ``code`` is the rule ID (e.g. ``"R-FORM-5"``), ``field`` names the offending input
    field (dotted path) when there is one.
    """

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(f"{code}: {message}" + (f" (field: {field})" if field else ""))
        self.code = code
        self.message = message
        self.field = field

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}

    def __reduce__(self):  # picklable across processes
        return (type(self), (self.code, self.message, self.field))
