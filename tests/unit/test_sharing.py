"""R-SHARE: joint appointments — validation, whole-yen splitting, and each member's claim
on its own shares through the unchanged assessment contract (issue 14 point 3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from domain.errors import RuleViolation
from domain.sharing import (
    JointAppointment,
    Member,
    Share,
    SharedCost,
    SharePeriod,
    assess_members,
    member_contract_input,
    problems,
    split_amount,
    split_cost,
    validate,
)
from domain.values import AppointmentForm, Municipality, MunicipalityKind

D = dt.date


def town(name: str) -> Municipality:
    return Municipality(name=name, kind=MunicipalityKind.town, prefecture="愛媛県", population=5000)


def s(member: str, percent: str) -> Share:
    return Share(member=member, percent=Decimal(percent))


def three_towns() -> JointAppointment:
    """Town A (lead) and town B from 2024-04-01 at 50/50; town C joins on 2024-10-01 and
    the shares become 33.34/33.33/33.33."""
    return JointAppointment(
        id="joint-1",
        lead="town-a",
        form=AppointmentForm.special_part_time,
        members=(
            Member(id="town-a", municipality=town("A町"), joined=D(2024, 4, 1)),
            Member(id="town-b", municipality=town("B町"), joined=D(2024, 4, 1)),
            Member(id="town-c", municipality=town("C町"), joined=D(2024, 10, 1)),
        ),
        periods=(
            SharePeriod(
                start=D(2024, 4, 1),
                end=D(2024, 9, 30),
                shares=(s("town-a", "50"), s("town-b", "50")),
            ),
            SharePeriod(
                start=D(2024, 10, 1),
                shares=(s("town-a", "33.34"), s("town-b", "33.33"), s("town-c", "33.33")),
            ),
        ),
    )


def month_end(year: int, month: int) -> dt.date:
    return D(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def fy2024_costs() -> list[SharedCost]:
    """300,000 yen remuneration a month, April 2024 - March 2025, each paid on the 10th of
    the next month (the obligation arose at the month's end, 地方自治法施行令143条), and a
    term-end allowance of 250,002 yen paid on 2024-12-10."""
    costs = []
    for i in range(12):
        y, m = (2024, 4 + i) if i < 9 else (2025, i - 8)
        end = month_end(y, m)
        paid = D(end.year + end.month // 12, end.month % 12 + 1, 10)
        costs.append(
            SharedCost(
                id=f"rem-{y}-{m:02}",
                kind="remuneration",
                amount_yen=300_000,
                paid_on=paid,
                accrual_date=end,
            )
        )
    costs.append(
        SharedCost(
            id="bonus-2024-12",
            kind="term_end_allowance",
            amount_yen=250_002,
            paid_on=D(2024, 12, 10),
        )
    )
    return costs


def test_R_SHARE_three_towns_with_a_mid_term_join_hand_computed():
    """Hand computation (FY2024):
    Apr-Sep: 300,000 x 50 % = 150,000 to A and B, six months -> 900,000 each (September's,
      paid 2024-10-10, is split by September's shares: C gets none of it).
    Oct-Mar: 300,000 x 33.34 % = 100,020 (A), x 33.33 % = 99,990 (B, C); six months ->
      A 600,120, B 599,940, C 599,940.
    Term-end allowance 250,002: A 83,350.6668, B 83,325.6666, C 83,325.6666 -> floors
      83,350 + 83,325 + 83,325 = 250,000; the 2 yen left go to the largest remainders:
      A (.6668), then B and C tie (same remainder, same share) -> the smaller id, B.
      A 83,351, B 83,326, C 83,325.
    Totals: A 1,583,471, B 1,583,266, C 683,265 (= 3,850,002 = 12 x 300,000 + 250,002).
    Measure 0.5, rounded down: A 791,735 (791,735.5), B 791,633, C 341,632 (341,632.5)."""
    joint = validate(three_towns())
    bonus = split_cost(joint, fy2024_costs()[-1])
    assert {x.member: x.amount_yen for x in bonus} == {
        "town-a": 83_351,
        "town-b": 83_326,
        "town-c": 83_325,
    }
    september = next(c for c in fy2024_costs() if c.id == "rem-2024-09")
    assert {x.member: x.amount_yen for x in split_cost(joint, september)} == {
        "town-a": 150_000,
        "town-b": 150_000,
    }

    result = assess_members(joint, fy2024_costs(), 2024)
    assert {m: r["appointment"]["eligible_cost_yen"] for m, r in result.items()} == {
        "town-a": 1_583_471,
        "town-b": 1_583_266,
        "town-c": 683_265,
    }
    assert {m: r["total_measure_yen"] for m, r in result.items()} == {
        "town-a": 791_735,
        "town-b": 791_633,
        "town-c": 341_632,
    }
    assert all(r["appointment"]["counted_advisor"] == "joint-1" for r in result.values())
    assert any(r["code"] == "R-SUB-8" for r in result["town-c"]["reasons"])
    # C's claim holds its shares only, from October
    c_input = member_contract_input(joint, fy2024_costs(), "town-c", 2024)
    assert (
        min(p["accrual_date"] for p in c_input["advisors"][0]["payments"] if "accrual_date" in p)
        == "2024-10-31"
    )


def test_R_SHARE_R_SUB_1_a_prefectures_share_never_counts():
    pref = Municipality(
        name="愛媛県", kind=MunicipalityKind.prefecture, prefecture="愛媛県", population=1_300_000
    )
    joint = JointAppointment(
        id="team-ehime",
        lead="pref",
        form=AppointmentForm.special_part_time,
        members=(
            Member(id="pref", municipality=pref, joined=D(2024, 4, 1)),
            Member(id="town-a", municipality=town("A町"), joined=D(2024, 4, 1)),
            Member(id="town-b", municipality=town("B町"), joined=D(2024, 4, 1)),
        ),
        periods=(
            SharePeriod(
                start=D(2024, 4, 1), shares=(s("pref", "20"), s("town-a", "40"), s("town-b", "40"))
            ),
        ),
    )
    costs = [SharedCost(id="c1", kind="remuneration", amount_yen=100_000, paid_on=D(2024, 5, 31))]
    result = assess_members(joint, costs, 2024)
    assert result["pref"]["total_measure_yen"] == 0
    assert result["pref"]["reasons"][0]["code"] == "R-SUB-1"
    assert "20,000" in result["pref"]["reasons"][0]["message"]  # its share, refused
    for t in ("town-a", "town-b"):  # the towns' claims hold their 40 % only
        assert result[t]["appointment"]["eligible_cost_yen"] == 40_000
        assert result[t]["total_measure_yen"] == 20_000


def test_R_SHARE_R_SUB_5_a_members_own_advisor_is_judged_with_its_share():
    joint = three_towns()
    own = [
        {
            "id": "own-1",
            "form": "special_part_time",
            "payments": [{"date": "2024-06-30", "kind": "remuneration", "amount_yen": 2_000_000}],
        }
    ]
    doc = member_contract_input(joint, fy2024_costs(), "town-a", 2024, own_advisors=own)
    from domain.assessments import assess_subsidy

    out = assess_subsidy(doc)
    assert out["appointment"]["counted_advisor"] == "own-1"
    assert any(r["code"] == "R-SUB-5" and "joint-1" in r["message"] for r in out["reasons"])


def test_R_SHARE_R_SUB_11_a_joint_engineer_is_not_claimed():
    joint = three_towns().model_copy(update={"counts_as_cio_advisor": False})
    result = assess_members(joint, fy2024_costs(), 2024)
    assert all(r["total_measure_yen"] == 0 for r in result.values())


def test_R_SHARE_1_shares_of_a_period_must_sum_to_100():
    joint = three_towns().model_copy(
        update={
            "periods": (
                SharePeriod(start=D(2024, 4, 1), shares=(s("town-a", "50"), s("town-b", "49.99"))),
            )
        }
    )
    with pytest.raises(RuleViolation) as e:
        validate(joint)
    assert e.value.code == "R-SHARE-1"
    assert e.value.field == "periods.0.shares"
    with pytest.raises(RuleViolation, match="R-SHARE-1"):
        split_amount(100, (s("a", "60"), s("b", "60")))


def test_R_SHARE_2_no_share_outside_the_membership_and_the_lead_is_a_member():
    base = three_towns()
    early = base.model_copy(
        update={
            "periods": (
                SharePeriod(
                    start=D(2024, 4, 1),
                    end=D(2024, 9, 30),
                    shares=(s("town-a", "40"), s("town-b", "30"), s("town-c", "30")),
                ),
                base.periods[1],
            )
        }
    )
    assert [p.code for p in problems(early)] == ["R-SHARE-2"]
    assert "town-c" in problems(early)[0].message
    left = base.model_copy(
        update={
            "members": (
                base.members[0],
                base.members[1].model_copy(update={"left": D(2025, 3, 31)}),
                base.members[2],
            )
        }
    )
    assert [p.code for p in problems(left)] == ["R-SHARE-2"]  # open period beyond its leaving
    stranger = base.model_copy(update={"lead": "city-x"})
    assert [p.code for p in problems(stranger)] == ["R-SHARE-2"]


def test_R_SHARE_3_periods_do_not_overlap_and_every_problem_is_listed_at_once():
    base = three_towns()
    joint = base.model_copy(
        update={
            "periods": (
                base.periods[0].model_copy(update={"end": D(2024, 10, 1)}),
                base.periods[1].model_copy(
                    update={"shares": (s("town-a", "50"), s("town-b", "10"))}
                ),
            )
        }
    )
    with pytest.raises(RuleViolation) as e:
        validate(joint)
    codes = [x["code"] for x in e.value.params["errors"]]
    assert codes == ["R-SHARE-3", "R-SHARE-1"]


def test_R_SHARE_4_a_cost_outside_every_period_is_refused():
    cost = SharedCost(id="c0", kind="remuneration", amount_yen=1, paid_on=D(2024, 3, 31))
    with pytest.raises(RuleViolation) as e:
        split_cost(three_towns(), cost)
    assert e.value.code == "R-SHARE-4"


def test_R_SHARE_ties_are_broken_by_share_then_id_whatever_the_order():
    shares = (s("b", "33.33"), s("a", "33.33"), s("c", "33.34"))
    assert split_amount(1, shares) == {"a": 0, "b": 0, "c": 1}
    assert split_amount(2, shares) == {"a": 1, "b": 0, "c": 1}
    assert split_amount(2, tuple(reversed(shares))) == {"a": 1, "b": 0, "c": 1}
    assert split_amount(0, shares) == {"a": 0, "b": 0, "c": 0}


def test_R_SHARE_R_BID_the_shared_expert_advises_a_member_only_while_it_takes_part():
    """Town C joins on 2024-10-01: its procurement published in September is not restricted
    by the shared expert's employer (R-BID-B1), one published in November is."""
    from domain.assessments import assess_bid
    from domain.sharing import advisors_on

    joint = three_towns()

    def bid(published: dt.date) -> dict:
        return assess_bid({
            "rule_set": "B1",
            "procurement": {"id": "P-1", "published": published.isoformat(), "advised_by": [],
                            "spec_writers": [], "evaluators": [], "supervisors": []},
            "bidder": "Example Systems K.K.",
            "people": [{"id": "joint-1", "side_jobs": [], "employments": [
                {"company": "Example Systems K.K.", "from": "2020-04-01", "to": None}]}],
            "groups": [],
            "advisors": list(advisors_on(joint, "town-c", published)),
            "contract": {"company": None, "start": "2024-04-01", "end": "2025-03-31"},
            "exemption": None,
        })

    assert advisors_on(joint, "town-c", D(2024, 9, 15)) == ()
    assert bid(D(2024, 9, 15))["decision"] == "allowed"
    assert advisors_on(joint, "town-c", D(2024, 11, 1)) == ("joint-1",)
    assert bid(D(2024, 11, 1))["decision"] == "restricted"
    assert advisors_on(joint, "town-a", D(2024, 5, 1), expert_id="adv-7") == ("adv-7",)
    assert advisors_on(joint, "city-x", D(2024, 5, 1)) == ()


def test_R_SHARE_json_door_gives_each_members_shares_and_claim():
    from domain.sharing import assess_shares

    doc = {
        "fiscal_year": 2024,
        "joint": three_towns().model_dump(mode="json"),
        "costs": [c.model_dump(mode="json") for c in fy2024_costs()],
    }
    out = assess_shares(doc)
    by = {m["member"]: m for m in out["members"]}
    assert out["cost_total_yen"] == 3_850_002
    assert sum(m["share_total_yen"] for m in out["members"]) == 3_850_002
    assert by["town-c"]["share_total_yen"] == 683_265
    assert by["town-c"]["assessment"]["total_measure_yen"] == 341_632
    assert {s["cost_id"] for s in by["town-c"]["shares"]} >= {"bonus-2024-12"}
    assert "rem-2024-09" not in {s["cost_id"] for s in by["town-c"]["shares"]}

    doc["joint"]["periods"][0]["shares"][0]["percent"] = "49"
    with pytest.raises(RuleViolation) as e:
        assess_shares(doc)
    assert e.value.code == "R-SHARE-1"
    with pytest.raises(RuleViolation) as e:
        assess_shares({"fiscal_year": 2024})
    assert e.value.code == "invalid_input"


def test_R_SHARE_cli_assess_shares(tmp_path):
    import json

    from typer.testing import CliRunner

    from cli.main import app

    f = tmp_path / "joint.json"
    f.write_text(json.dumps({"fiscal_year": 2024, "joint": three_towns().model_dump(mode="json"),
                             "costs": [c.model_dump(mode="json") for c in fy2024_costs()]}))
    r = CliRunner().invoke(app, ["assess", "shares", str(f)])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert sum(m["share_total_yen"] for m in out["members"]) == out["cost_total_yen"]
