"""The example documents of ../shared/contracts.md, verbatim (inputs and the subsidy output)."""

SUBSIDY_IN = {
    "municipality": {"name": "磐梯町", "kind": "town", "prefecture": "福島県", "population": 3300},
    "fiscal_year": 2023,
    "advisors": [
        {"id": "adv-1", "form": "special_part_time",
         "payments": [{"date": "2023-05-31", "kind": "remuneration", "amount_yen": 300000}]}
    ],
    "recruitment_costs": [{"date": "2023-04-20", "kind": "agency_fee", "amount_yen": 880000}],
}
SUBSIDY_OUT = {
    "fiscal_year": 2023,
    "eligible": True,
    "appointment": {"eligible_cost_yen": 300000, "measure_yen": 150000, "counted_advisor": "adv-1"},
    "recruitment": {"eligible_cost_yen": 880000, "measure_yen": 440000},
    "total_measure_yen": 590000,
    "reasons": [{"code": "R-SUB-3", "message": "appointment measure: 0.5 x 300,000 yen (adv-1, special_part_time)"},
                {"code": "R-SUB-4", "message": "recruitment measure: 0.5 x 880,000 yen, under the 500,000 yen cap"}],
}
APPOINTMENT_IN = {
    "municipality": {"name": "酒田市", "kind": "city", "prefecture": "山形県", "population": 100000},
    "form": "special_part_time",
    "term": {"start": "2024-04-01", "end": "2025-03-31"},
    "duties": [{"kind": "advice", "text": "DX全体方針への助言"}],
    "initiatives": ["bpr", "online_procedures"],
    "appointee": {"for_profit_employer": "Example Systems K.K.", "advises_on_procurement": True},
    "pledges_signed": ["appointment_terms", "no_discrediting_acts", "confidentiality", "devotion_to_duty"],
    "readiness_confirmed": [1, 2, 3, 4, 5],
}
BID_IN = {
    "rule_set": "B2",
    "procurement": {"id": "P-2024-07", "published": "2024-07-01",
                    "advised_by": ["adv-1"], "spec_writers": ["adv-1"],
                    "evaluators": [], "supervisors": []},
    "bidder": "Example Systems K.K.",
    "people": [{"id": "adv-1",
                "employments": [{"company": "Example Systems K.K.", "from": "2012-04-01", "to": "2023-03-31"}],
                "side_jobs": []}],
    "groups": [{"parent": "Example Holdings", "members": ["Example Systems K.K."]}],
    "advisors": ["adv-1"],
    "contract": {"company": None, "start": "2023-04-01", "end": "2025-03-31"},
    "exemption": None,
}

