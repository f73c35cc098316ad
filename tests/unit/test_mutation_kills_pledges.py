"""R-PLEDGE-1/2: each missing-pledge finding says why its items are required — R-PLEDGE-1 for
the form, R-PLEDGE-2 for the for-profit appointee who advises on procurements."""

from __future__ import annotations

import pytest

from domain.pledges import missing_pledges


@pytest.mark.parametrize("form", ["special_part_time", "outsourcing"])
def test_each_missing_pledge_finding_gives_its_own_reason(form):
    base, coi = missing_pledges(form, True, True, [])
    assert (base.code, coi.code) == ("R-PLEDGE-1", "R-PLEDGE-2")
    assert form in base.message and "for-profit" not in base.message
    assert "for-profit" in coi.message and "procurement" in coi.message
    assert form not in coi.message


def test_the_conflict_of_interest_reason_stands_alone_when_the_base_pledge_is_signed():
    (coi,) = missing_pledges("special_part_time", True, True,
                             ["appointment_terms", "no_discrediting_acts", "confidentiality",
                              "devotion_to_duty"])
    assert coi.code == "R-PLEDGE-2" and "for-profit" in coi.message
