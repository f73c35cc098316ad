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
from domain.skill_standard import Persona
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


async def test_R_SUB_11_only_cio_advisors_are_claimed_and_the_rest_is_listed(store):
    """Issue 11 point 12: a better-paid engineer and an engineer campaign's agency fee were
    claimed before the fix (an over-claim)."""
    campaign = lb.full_campaign().events
    appointed = campaign[-1]
    code = appointed.municipality.code
    assert appointed.cio_advisor is True  # carried from the role at appointment (producer)
    engineer = appointed.model_copy(update={"appointment_id": "eng", "persona": Persona.engineer,
                                            "cio_advisor": None})
    for ap, first, amount in (("cio", appointed, 300_000), ("eng", engineer, 900_000)):
        first = first.model_copy(update={"appointment_id": ap})
        await store.append(streams.appointment(code, ap), 0, [
            _new(first), _new(_cost(f"{ap}-p", CostKind.remuneration, amount, date(2024, 7, 31)))],
            stream_type="appointment")
    role_defined = campaign[0]
    assert role_defined.type == "RoleDefined"
    eng_role = role_defined.model_copy(update={
        "campaign_id": "ce", "role": role_defined.role.model_copy(update={"persona": Persona.engineer})})
    await store.append(streams.campaign(code, "ce"), 0, [_new(eng_role), _new(_cost(
        "r-eng", CostKind.agency_fee, 700_000, date(2024, 5, 10), CostCategory.recruitment))],
        stream_type="recruitment")
    await store.append(streams.campaign(code, "cc"), 0, [_new(role_defined), _new(_cost(
        "r-cio", CostKind.agency_fee, 400_000, date(2024, 5, 10), CostCategory.recruitment))],
        stream_type="recruitment")

    env = ActivityEnvironment()
    a = (await env.run(ClaimActivities(store).assess_claim_year, ClaimYear(
        municipality=appointed.municipality, fiscal_year=2024))).assessment
    assert a["appointment"]["counted_advisor"] == "cio"
    assert a["appointment"]["eligible_cost_yen"] == 300_000
    assert a["recruitment"]["eligible_cost_yen"] == 400_000
    assert [(x["source"], x["what"], x["amount_yen"], x["code"]) for x in a["left_out"]] == [
        ("eng", "appointment", 900_000, "R-SUB-11"), ("ce", "recruitment_cost", 700_000, "R-SUB-11")]
    assert [r["code"] for r in a["reasons"]].count("R-SUB-11") == 2


def test_R_SUB_11_a_role_marked_at_definition_overrides_the_persona_default():
    role = lb.role()
    assert role.counts_as_cio_advisor  # producer
    assert not role.model_copy(update={"persona": Persona.engineer}).counts_as_cio_advisor
    assert role.model_copy(update={"persona": Persona.project_manager, "cio_advisor": True}
                           ).counts_as_cio_advisor
