"""What a person reads: one message catalogue keyed by code, one table of Japanese labels,
and the Japanese ways of writing dates (令和), times (JST) and money (円).

Pure: the data is read once from ``domain/policies/messages_ja.json`` and
``labels_ja.json`` (packaged with ``domain``). Used by the API (``message`` and a ``label``
next to each code), the CLI, the documents and the screens.

- ``message(code, **params)`` — the Japanese sentence for a rule or error code
  (``"R-SUB-3"``, ``"STATE-CAMPAIGN-ENDED"``, ``"invalid_input"``); ``message_en`` the
  English one for logs and developers. A template's ``{name}`` is filled from ``params``;
  a missing parameter is left out. An unknown code gives the code itself.
- ``label(kind, code)`` — the Japanese label of a code (``label("form", "outsourcing")``
  -> ``"業務委託"``); an unknown code gives the code itself.
- ``format_date``, ``format_datetime``, ``format_deadline`` (JST), ``format_yen``,
  ``reiwa_year``.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from importlib import resources
from typing import Any

JST = timezone(timedelta(hours=9), "JST")

_WEEKDAYS = "月火水木金土日"
_PER = {"month": "月額", "day": "日額", "hour": "時間額", "year": "年額"}
# (first day of the era, its name): newest first.
_ERAS: tuple[tuple[date, str], ...] = (
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
)


@cache
def _load(name: str) -> dict[str, Any]:
    return json.loads(resources.files("domain").joinpath("policies", name).read_text("utf-8"))


def messages() -> dict[str, dict[str, str]]:
    """The whole catalogue: ``{code: {"ja": ..., "en": ...}}``."""
    return _load("messages_ja.json")["messages"]


def labels() -> dict[str, dict[str, str]]:
    """The whole label table: ``{kind: {code: label}}``."""
    return _load("labels_ja.json")["labels"]


class _Params(dict):
    def __missing__(self, key: str) -> str:
        return ""


_FORMATTER = string.Formatter()


def _render(template: str, params: dict[str, Any]) -> str:
    text = _FORMATTER.vformat(
        template, (), _Params({k: v for k, v in params.items() if v is not None})
    )
    text = text.replace("（）", "").replace("()", "")
    return " ".join(text.split()).replace("。 ", "。").strip()


def has_message(code: str) -> bool:
    return code in messages()


def message(code: str, **params: Any) -> str:
    """The Japanese sentence for ``code``; ``params`` fill its ``{placeholders}``."""
    entry = messages().get(code)
    return _render(entry["ja"], params) if entry else code


def message_en(code: str, **params: Any) -> str:
    """The English sentence for ``code`` (logs, developers)."""
    entry = messages().get(code)
    return _render(entry["en"], params) if entry else code


def has_label(kind: str, code: object) -> bool:
    return str(getattr(code, "value", code)) in labels().get(kind, {})


def label(kind: str, code: object) -> str:
    """The Japanese label of ``code`` (an enum member or its value) of ``kind``."""
    key = str(getattr(code, "value", code))
    return labels().get(kind, {}).get(key, key)


# ---------------------------------------------------------------- error documents

_JA = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def field_errors(errors: list[dict], path: Callable[[Any], str | None]) -> list[dict]:
    """Every pydantic error as ``{"field", "code", "message", "message_en"}``, all at once.

    ``code`` is pydantic's error type (``missing``, ``extra_forbidden``, ...), ``message``
    its Japanese from the catalogue's ``validation`` table.
    """
    table = _load("messages_ja.json")["validation"]
    out = []
    for err in errors:
        kind = str(err.get("type", "value_error"))
        msg = str(err.get("msg", "invalid"))
        ja = table.get(kind, table["value_error"])
        if kind == "value_error" and msg.removeprefix("Value error, ") != msg:
            ja = f"{ja}: {msg.removeprefix('Value error, ')}"
        out.append({"field": path(tuple(err.get("loc", ()))), "code": kind, "message": ja,
                    "message_en": msg})
    return out or [{"field": None, "code": "value_error", "message": table["value_error"],
                    "message_en": "invalid input"}]


def error(
    code: str, message: str, field: str | None = None, params: dict | None = None
) -> dict[str, Any]:
    """The inner error document every door answers with, in Japanese first.

    ``{"code", "message" (Japanese: the catalogue's sentence with the specifics),
    "message_en" (what the raiser said), "field", "label" (rules), "errors" (a list of
    field errors, when the refusal names several)}``. A raiser's message that is already
    Japanese is the detail of the Japanese sentence.
    """
    params = dict(params or {})
    errors = params.pop("errors", None)
    if errors:
        params.setdefault("detail", "、".join(
            f"{e['field']}: {e['message']}" if e.get("field") else e["message"] for e in errors))
    elif message and _JA.search(message):
        params.setdefault("detail", message)
    ja = message_ja = message
    if has_message(code):
        ja = _render(messages()[code]["ja"], params)
    if field and field not in ja:
        ja = f"{ja}（項目: {field}）"
    body: dict[str, Any] = {"code": code, "message": ja, "message_en": message_ja, "field": field}
    if code.startswith("R-"):
        body["label"] = label("rule", code)
    if errors:
        body["errors"] = errors
    return body


def finding(item: Any, source: str | None = None) -> dict[str, Any]:
    """A finding (advice, warning; ``code``/``message``/``field``) as a person sees it:
    the code's Japanese label next to the code (issue 11 points 7 and 9)."""
    code = str(getattr(item, "code", None) or item["code"])
    msg = str(getattr(item, "message", None) or item["message"])
    field = getattr(item, "field", None) if not isinstance(item, dict) else item.get("field")
    out = {"code": code, "label": label("rule", code), "message": msg, "field": field}
    if source:
        out["event"] = source
    return out


def findings_of(events: Iterable[Any]) -> list[dict[str, Any]]:
    """Every advice and warning the events carry (``advice``, ``warnings``), labelled."""
    out: list[dict[str, Any]] = []
    for e in events:
        for attr in ("advice", "warnings"):
            for item in getattr(e, attr, ()) or ():
                out.append(finding(item, getattr(e, "type", None)))
    return out


# ---------------------------------------------------------------- dates, times, money


def _era(d: date) -> tuple[str, int]:
    for first, name in _ERAS:
        if d >= first:
            return name, d.year - first.year + 1
    return "西暦", d.year


def _era_year(name: str, n: int) -> str:
    return f"{name}{'元' if n == 1 else n}"


def wareki(d: date) -> str:
    """``2026-11-30`` -> ``令和8年11月30日`` (year 1 is 元年)."""
    name, n = _era(d)
    if name == "西暦":
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{_era_year(name, n)}年{d.month}月{d.day}日"


def format_date(d: date, *, western: bool = True) -> str:
    """``令和8年11月30日（2026年11月30日）``; ``western=False`` -> ``令和8年11月30日``."""
    if isinstance(d, datetime):
        d = to_jst(d).date()
    jp = wareki(d)
    return f"{jp}（{d.year}年{d.month}月{d.day}日）" if western else jp


def to_jst(instant: datetime) -> datetime:
    """An instant in Japan time (a naive value is taken as UTC, as the store writes it)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(JST)


def format_datetime(instant: datetime) -> str:
    """``令和8年11月30日 22時15分`` in JST."""
    t = to_jst(instant)
    return f"{wareki(t.date())} {t.hour}時{t.minute:02d}分"


def format_deadline(instant: datetime) -> str:
    """``令和8年12月20日（日）17時`` in JST (minutes shown only when not on the hour)."""
    t = to_jst(instant)
    clock = f"{t.hour}時" + (f"{t.minute}分" if t.minute else "")
    return f"{wareki(t.date())}（{_WEEKDAYS[t.weekday()]}）{clock}"


def format_yen(amount: int, per: str | None = None) -> str:
    """``300,000円（月額）``; per ``"month"|"day"|"hour"|"year"`` or None -> ``300,000円``."""
    text = f"{amount:,}円"
    if per is None:
        return text
    key = str(getattr(per, "value", per))
    return f"{text}（{_PER.get(key, label('pay_unit', key))}）"


def reiwa_year(fiscal_year: int) -> str:
    """Fiscal year 2026 -> ``令和8年度`` (2019 -> ``令和元年度``, 2018 -> ``平成30年度``)."""
    name, n = _era(date(fiscal_year, 5, 1))
    if name == "西暦":
        return f"{fiscal_year}年度"
    return f"{_era_year(name, n)}年度"


def reiwa_years(first: int, last: int) -> str:
    """A span of fiscal years: ``令和3年度〜令和7年度``."""
    return reiwa_year(first) if first == last else f"{reiwa_year(first)}〜{reiwa_year(last)}"
