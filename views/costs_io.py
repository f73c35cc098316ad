"""Cost records in and out of spreadsheets (the documented template: docs/data-import.md).

- :func:`export_rows` — every ``CostRecorded`` of a municipality's appointments (one
  appointment when given), as rows of :data:`COST_COLUMNS`; :func:`cost_workbook` the
  ``.xlsx``.
- :func:`plan_import` — reads a ``.xlsx`` or CSV in the template, validates every row and
  returns the ``RecordCost`` commands it would send with the row-level errors in Japanese
  (row, column, code). It reads the store (the appointment exists) and writes nothing:
  ``--dry-run`` stops here.
- :func:`apply_import` — sends the commands through ``send`` (the same workflow update
  the API's ``POST /appointments/{m}/{a}/costs`` sends), so exactly the events those
  commands would append are appended. Idempotent per row: the cost id (the row's 経費ID, or
  a hash of the row's content) makes a second run find every row "already recorded"
  (``STATE-COST-EXISTS``). A plan with errors sends nothing unless ``good_rows`` is asked.

No personal data is read or written: cost records carry none.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain import i18n, streams
from domain.commands import Actor, RecordCost
from domain.costs import APPOINTMENT_COST_KINDS, CostKind
from domain.errors import RuleViolation
from views.tabular import Column, Sheet, Table, read_table, workbook

MUNICIPALITY, APPOINTMENT, COST_ID, KIND = "団体コード", "任用ID", "経費ID", "経費の種類"
AMOUNT, PAID_REIWA, PAID, ACCRUAL, FISCAL_YEAR, NOTE = (
    "金額",
    "支払日（和暦）",
    "支払日",
    "発生日",
    "会計年度",
    "摘要",
)

COST_COLUMNS = [
    Column(MUNICIPALITY, width=10),
    Column(APPOINTMENT, width=18),
    Column(COST_ID, width=20),
    Column(KIND, width=14),
    Column(AMOUNT, "yen", width=14),
    Column(PAID_REIWA, "date_reiwa", width=18),
    Column(PAID, "date", width=12),
    Column(ACCRUAL, "date", width=12),
    Column(FISCAL_YEAR, width=10),
    Column(NOTE, width=30),
]
REQUIRED = (APPOINTMENT, KIND, AMOUNT)

MESSAGES = {
    "IMPORT-COLUMN-MISSING": "見出し「{column}」の列がありません（テンプレートの見出しを使ってください）。",
    "IMPORT-REQUIRED": "「{column}」が空です。",
    "IMPORT-DATE": "「{column}」の日付「{value}」が読めません（例: 2026/04/01、令和8年4月1日）。",
    "IMPORT-YEN": "「{column}」の金額「{value}」が読めません（0 以上の整数の円で書いてください）。",
    "IMPORT-COST-KIND": "「{column}」の「{value}」は任用経費の種類ではありません（{allowed}）。",
    "IMPORT-DUPLICATE": "経費ID「{value}」は {first} 行目と重複しています。",
    "IMPORT-MUNICIPALITY": "団体コード「{value}」はこの取込の団体（{expected}）ではありません。",
    "IMPORT-APPOINTMENT": "任用ID「{value}」の任用が見つかりません。",
    "IMPORT-INVALID": "「{column}」の値が不正です（{detail}）。",
}


@dataclass(frozen=True)
class RowError:
    row: int  # the row number in the file (1 = the first line)
    column: str
    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


@dataclass(frozen=True)
class Planned:
    row: int
    workflow_id: str
    command: RecordCost


@dataclass
class ImportPlan:
    rows: int = 0
    commands: list[Planned] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportResult:
    recorded: list[int] = field(default_factory=list)  # row numbers
    already: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    sent: bool = False


def _error(row: int, column: str, code: str, **params: Any) -> RowError:
    template = MESSAGES.get(code)
    text = template.format(column=column, **params) if template else i18n.message(code, **params)
    return RowError(row, column, code, text)


# --------------------------------------------------------------------------- export


async def export_rows(
    store: Any, municipality: str, appointment_id: str | None = None
) -> list[list[Any]]:
    if appointment_id:
        events = await store.read_stream(streams.appointment(municipality, appointment_id))
    else:
        events = await store.read_category(streams.appointments_of(municipality))
    rows = []
    for e in events:
        if e.type != "CostRecorded":
            continue
        d = e.data
        paid = date.fromisoformat(d["paid_on"])
        accrual = date.fromisoformat(d["accrual_date"]) if d.get("accrual_date") else None
        rows.append(
            [
                municipality,
                streams.last_part(e.stream_id),
                d["cost_id"],
                i18n.label("cost_kind", d["kind"]),
                d["amount_yen"],
                paid,
                paid,
                accrual,
                i18n.reiwa_year(int(d["fiscal_year"])),
                d.get("note") or "",
            ]
        )
    return rows


def cost_sheet(rows: Sequence[Sequence[Any]]) -> Sheet:
    return Sheet("任用経費", COST_COLUMNS, rows)


def cost_workbook(rows: Sequence[Sequence[Any]]) -> bytes:
    return workbook([cost_sheet(rows)])


# --------------------------------------------------------------------------- import


def _kinds() -> dict[str, CostKind]:
    by_name: dict[str, CostKind] = {}
    for k in APPOINTMENT_COST_KINDS:
        by_name[k.value] = k
        by_name[i18n.label("cost_kind", k.value)] = k
    return by_name


_WAREKI = re.compile(r"^(令和|平成)\s*(元|\d+)\s*年\s*(\d+)\s*月\s*(\d+)\s*日$")
_ERA_START = {"令和": 2018, "平成": 1988}


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().translate(str.maketrans("０１２３４５６７８９／－", "0123456789/-"))
    m = _WAREKI.match(text)
    if m:
        era, y, mo, d = m.groups()
        return date(_ERA_START[era] + (1 if y == "元" else int(y)), int(mo), int(d))
    for sep in ("/", "-", "."):
        parts = text.split(sep)
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
    raise ValueError(text)


def parse_yen(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        amount = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        amount = int(value)
    else:
        text = str(value).strip().replace(",", "").replace("，", "").removesuffix("円")
        text = text.removeprefix("¥").removeprefix("￥").strip()
        if not text.isdigit():
            raise ValueError(value)
        amount = int(text)
    if amount < 0:
        raise ValueError(value)
    return amount


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


async def plan_import(
    data: bytes, filename: str, *, municipality: str, actor: Actor, store: Any = None
) -> ImportPlan:
    """Validate every row of ``data``; the commands to send and the errors (nothing written)."""
    table: Table = read_table(data, filename, known_headers=[c.header for c in COST_COLUMNS])
    plan = ImportPlan(rows=len(table.rows))
    index = {h: i for i, h in reversed(list(enumerate(table.headers)))}  # first wins
    header_row = min((n for n, _ in table.rows), default=2) - 1
    for column in REQUIRED:
        if column not in index:
            plan.errors.append(_error(header_row, column, "IMPORT-COLUMN-MISSING"))
    if PAID not in index and PAID_REIWA not in index:
        plan.errors.append(_error(header_row, PAID, "IMPORT-COLUMN-MISSING"))
    if plan.errors:
        return plan

    kinds = _kinds()
    allowed = "、".join(i18n.label("cost_kind", k.value) for k in APPOINTMENT_COST_KINDS)
    seen: dict[str, int] = {}
    known_appointments: dict[str, bool] = {}
    for number, cells in table.rows:

        def cell(column: str, cells: list[Any] = cells) -> Any:
            i = index.get(column)
            return cells[i] if i is not None and i < len(cells) else None

        errors: list[RowError] = []
        for column in REQUIRED:
            if not _text(cell(column)):
                errors.append(_error(number, column, "IMPORT-REQUIRED"))
        code = _text(cell(MUNICIPALITY)) or municipality
        if code != municipality:
            errors.append(
                _error(
                    number, MUNICIPALITY, "IMPORT-MUNICIPALITY", value=code, expected=municipality
                )
            )
        kind = kinds.get(_text(cell(KIND)))
        if _text(cell(KIND)) and kind is None:
            errors.append(
                _error(number, KIND, "IMPORT-COST-KIND", value=_text(cell(KIND)), allowed=allowed)
            )
        amount = paid = accrual = None
        if _text(cell(AMOUNT)):
            try:
                amount = parse_yen(cell(AMOUNT))
            except ValueError:
                errors.append(_error(number, AMOUNT, "IMPORT-YEN", value=_text(cell(AMOUNT))))
        paid_column = PAID if _text(cell(PAID)) else PAID_REIWA
        if not _text(cell(paid_column)):
            errors.append(_error(number, PAID, "IMPORT-REQUIRED"))
        else:
            try:
                paid = parse_date(cell(paid_column))
            except ValueError:
                errors.append(
                    _error(number, paid_column, "IMPORT-DATE", value=_text(cell(paid_column)))
                )
        if _text(cell(ACCRUAL)):
            try:
                accrual = parse_date(cell(ACCRUAL))
            except ValueError:
                errors.append(_error(number, ACCRUAL, "IMPORT-DATE", value=_text(cell(ACCRUAL))))
        if errors:
            plan.errors.extend(errors)
            continue

        appointment_id = _text(cell(APPOINTMENT))
        note = _text(cell(NOTE))
        cost_id = (
            _text(cell(COST_ID))
            or "imp-"
            + hashlib.sha256(
                f"{municipality}|{appointment_id}|{kind}|{amount}|{paid}|{accrual}|{note}".encode()
            ).hexdigest()[:16]
        )
        if cost_id in seen:
            plan.errors.append(
                _error(number, COST_ID, "IMPORT-DUPLICATE", value=cost_id, first=seen[cost_id])
            )
            continue
        seen[cost_id] = number
        try:
            command = RecordCost(
                actor=actor,
                cost_id=cost_id,
                cost_kind=kind,
                amount_yen=amount,
                paid_on=paid,
                note=note,
                accrual_date=accrual,
            )
        except Exception as exc:  # noqa: BLE001 - a bounded value refused (pydantic)
            plan.errors.append(_error(number, NOTE, "IMPORT-INVALID", detail=type(exc).__name__))
            continue
        workflow_id = streams.appointment(municipality, appointment_id)
        if store is not None:
            if appointment_id not in known_appointments:
                known_appointments[appointment_id] = await store.stream_version(workflow_id) > 0
            if not known_appointments[appointment_id]:
                plan.errors.append(
                    _error(number, APPOINTMENT, "IMPORT-APPOINTMENT", value=appointment_id)
                )
                continue
        plan.commands.append(Planned(number, workflow_id, command))
    return plan


Send = Callable[[str, RecordCost], Awaitable[Any]]


async def apply_import(plan: ImportPlan, send: Send, *, good_rows: bool = False) -> ImportResult:
    """Send the plan's commands in file order. Nothing is sent when the plan has errors,
    unless ``good_rows``. A cost already recorded (a re-run) counts as ``already``; any
    other refusal is reported with the domain's rule code and the run goes on."""
    result = ImportResult(errors=list(plan.errors))
    if plan.errors and not good_rows:
        return result
    result.sent = True
    for p in plan.commands:
        try:
            await send(p.workflow_id, p.command)
        except RuleViolation as v:
            if v.code == "STATE-COST-EXISTS":
                result.already.append(p.row)
                continue
            result.errors.append(RowError(p.row, v.field or "", v.code, i18n.message(v.code)))
            continue
        result.recorded.append(p.row)
    return result
