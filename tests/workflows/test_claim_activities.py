"""The claim's activity against a real event store: a municipality's costs of one fiscal
year gathered across all its appointments and campaigns (R-SUB-6), assessed with one
advisor counted (R-SUB-5) — in one activity, so only the assessment enters the history."""

from __future__ import annotations

from datetime import UTC, date, datetime

from temporalio.testing import ActivityEnvironment

from activities.claims import ClaimActivities
from activities.models import ClaimYear
from domain import streams
from domain.claim_costs import costs_of_year
from domain.events import CostCategory, CostKind, CostRecorded, event_payload, parse_event
from domain.fiscal import fiscal_year_of
from eventstore import NewEvent
from tests.unit import lifecycle_builders as lb

AT = datetime(2025, 4, 2, tzinfo=UTC)


def _new(e) -> NewEvent:
    type_, version, data = event_payload(e)
    return NewEvent(type=type_, data=data, schema_version=version)


def _cost(cost_id: str, kind: CostKind, amount: int, paid_on: date, category=CostCategory.appointment):
    return CostRecorded(at=AT, by="officer-1", cost_id=cost_id, category=category, kind=kind,
                        amount_yen=amount, paid_on=paid_on, fiscal_year=fiscal_year_of(paid_on))


async def test_R_SUB_5_one_advisor_counted_across_the_municipalitys_appointments(store):
    appointed = lb.full_campaign().events[-1]
    assert appointed.type == "Appointed"
    code = appointed.municipality.code
    for ap, costs in (
        ("ap1", [_cost("p1", CostKind.remuneration, 300_000, date(2024, 7, 31)),
                 _cost("p2", CostKind.remuneration, 300_000, date(2025, 4, 30))]),  # FY2025
        ("ap2", [_cost("q1", CostKind.remuneration, 500_000, date(2024, 8, 31))]),
    ):
        first = appointed.model_copy(update={"appointment_id": ap})
        await store.append(streams.appointment(code, ap), 0, [_new(first), *map(_new, costs)],
                           stream_type="appointment")
    await store.append(streams.campaign(code, "c9"), 0, [_new(_cost(
        "r1", CostKind.agency_fee, 880_000, date(2024, 5, 10), CostCategory.recruitment))],
        stream_type="recruitment")

    # the year's costs, as the claim's activity derives them from the parsed events
    recorded = [*await store.read_category(streams.appointments_of(code)),
                *await store.read_category(streams.campaigns_of(code))]
    costs = costs_of_year(2024, ((r.stream_id, parse_event(r.type, r.data, r.schema_version))
                                 for r in recorded))
    assert {a.id: [p.amount_yen for p in a.payments] for a in costs.advisors} == {
        "ap1": [300_000], "ap2": [500_000]}  # the FY2025 payment is left out (R-SUB-6)
    assert [(c.date, c.kind, c.amount_yen) for c in costs.recruitment_costs] == [
        (date(2024, 5, 10), "agency_fee", 880_000)]

    env = ActivityEnvironment()
    result = await env.run(ClaimActivities(store).assess_claim_year, ClaimYear(
        municipality=appointed.municipality, fiscal_year=2024))
    a = result.assessment
    assert a["appointment"]["counted_advisor"] == "ap2"  # the largest eligible cost (R-SUB-5)
    assert a["appointment"]["measure_yen"] == 250_000  # 0.5 x 500,000 (R-SUB-3)
    assert a["recruitment"]["measure_yen"] == 440_000  # 0.5 x 880,000, under the cap (R-SUB-4)
    assert a["total_measure_yen"] == 690_000
