"""Rule violations carry the rule ID of the domain brief (``R-SUB-3`` ...)."""

from __future__ import annotations


class RuleViolation(Exception):
    """A command or input that a rule of the manual refuses.

    ``code`` is the rule ID (e.g. ``"R-FORM-5"``), ``field`` names the offending input
    field (dotted path) when there is one. ``message`` is English (logs, developers);
    ``params`` fill the Japanese sentence of ``code`` in the message catalogue
    (``domain.i18n.message(code, **params)``; ``params["errors"]`` lists every bad field of
    an ``invalid_input``).
    """

    def __init__(
        self, code: str, message: str, field: str | None = None, params: dict | None = None
    ) -> None:
        super().__init__(f"{code}: {message}" + (f" (field: {field})" if field else ""))
        self.code = code
        self.message = message
        self.field = field
        self.params = dict(params or {})

    def to_dict(self) -> dict:
        out: dict = {"code": self.code, "message": self.message, "field": self.field}
        if self.params:  # crosses the workflow boundary with the refusal
            out["params"] = self.params
        return out

    def __reduce__(self):  # picklable across processes
        return (type(self), (self.code, self.message, self.field, self.params or None))
