"""Bid-restriction input documents (the contract's shape) for the R-BID tests."""

from __future__ import annotations

BIDDER = "Example Systems K.K."
GROUPS = [
    {"parent": "Example Holdings", "members": [BIDDER, "Example Sister K.K."]},
    {"parent": BIDDER, "members": ["Example Sub K.K."]},
]


def case(rule_set, *, published="2024-07-01", bidder=BIDDER, advised_by=("adv-1",), spec_writers=(),
         evaluators=(), supervisors=(), employments=(), side_jobs=(), advisors=None,
         contract=None, exemption=None, extra_people=()):
    doc = {
        "rule_set": rule_set,
        "procurement": {"id": "P-2024-07", "published": published, "advised_by": list(advised_by),
                        "spec_writers": list(spec_writers), "evaluators": list(evaluators),
                        "supervisors": list(supervisors)},
        "bidder": bidder,
        "people": [{"id": "adv-1",
                    "employments": [{"company": c, "from": f, "to": t} for c, f, t in employments],
                    "side_jobs": [{"company": c, "from": f, "to": t} for c, f, t in side_jobs]},
                   *extra_people],
        "groups": GROUPS,
        "contract": contract,
        "exemption": exemption,
    }
    if advisors is not None:
        doc["advisors"] = list(advisors)
    return doc


def contract(company=BIDDER, start="2023-04-01", end="2025-03-31"):
    return {"company": company, "start": start, "end": end}
