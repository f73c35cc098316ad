"""R-PLEDGE-1/2 follow the pledge table (policies/pledges.json): which items, for which
forms, and their Japanese wording are data, so a changed table changes what the appointee
must sign and what the finding says — through every entry point of domain.pledges."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from domain.pledges import PledgeItem, label_ja, missing_pledges, pledge_sets, required_pledges
from domain.policy import load_policy


def table() -> dict:
    return json.loads(resources.files("domain").joinpath("policies/pledges.json").read_text())


@pytest.fixture
def policy():
    """The packaged table with a shorter base pledge, the conflict-of-interest items for
    outsourcing only, and a reworded label."""
    t = table()
    t["base"]["items"] = ["confidentiality", "devotion_to_duty"]
    t["conflict_of_interest"]["forms"] = ["outsourcing"]
    t["labels_ja"]["confidentiality"] = "秘密を守る義務"
    return load_policy(pledges=t)


def test_required_pledges_follow_the_table(policy):
    assert required_pledges("special_part_time", True, True, policy) == [
        PledgeItem.confidentiality,
        PledgeItem.devotion_to_duty,
    ]
    assert required_pledges("outsourcing", True, True, policy.pledges) == [
        PledgeItem.confidentiality,
        PledgeItem.devotion_to_duty,
        PledgeItem.conflict_of_interest,
        PledgeItem.side_job_disclosure,
        PledgeItem.holdings_disclosure,
        PledgeItem.bid_restriction_cooperation,
    ]
    assert [rule for rule, _ in pledge_sets("special_part_time", True, True, policy)] == [
        "R-PLEDGE-1"
    ]


def test_missing_pledges_follow_the_table_and_its_wording(policy):
    (finding,) = missing_pledges("special_part_time", True, True, ["devotion_to_duty"], policy)
    assert (finding.code, finding.field) == ("R-PLEDGE-1", "pledges_signed")
    assert "confidentiality" in finding.message and "秘密を守る義務" in finding.message
    assert "appointment_terms" not in finding.message  # no longer in the base pledge
    assert missing_pledges("special_part_time", True, True, ["confidentiality",
                           "devotion_to_duty"], policy) == []  # fmt: skip


def test_a_missing_finding_names_every_unsigned_item_with_its_japanese_label():
    (base, coi) = missing_pledges("special_part_time", True, True, ["confidentiality"])
    assert (base.code, coi.code) == ("R-PLEDGE-1", "R-PLEDGE-2")
    for item in ("appointment_terms", "no_discrediting_acts", "devotion_to_duty"):
        assert f"{item} ({label_ja(item)})" in base.message
    assert "confidentiality" not in base.message
    for item in ("conflict_of_interest", "side_job_disclosure", "holdings_disclosure",
                 "bid_restriction_cooperation"):  # fmt: skip
        assert f"{item} ({label_ja(item)})" in coi.message
    assert "R-PLEDGE-3" in base.message  # the appointment is blocked until signed


def test_labels_follow_the_table(policy):
    assert label_ja("confidentiality", policy) == "秘密を守る義務"
    assert label_ja(PledgeItem.confidentiality, policy.pledges) == "秘密を守る義務"
    assert label_ja("confidentiality") == "守秘義務"
