"""Issue 11 point 3: the claim's settle period is a setting, the view says what the claim
waits for, and the officer may ask it to draft now."""

from __future__ import annotations

import pytest

from domain import claim as claim_domain
from domain.commands import DraftClaimNow
from domain.errors import RuleViolation
from tests.workflows.builders import APPROVER, OFFICER


def test_draft_now_only_while_collecting_and_only_by_an_officer():
    state = claim_domain.new_claim("074099", 2024)
    claim_domain.check(state, DraftClaimNow(actor=OFFICER))
    with pytest.raises(RuleViolation) as err:
        claim_domain.check(state, DraftClaimNow(actor=APPROVER))
    assert err.value.code == "AUTH-ROLE"
    drafted = state.model_copy(update={"stage": claim_domain.ClaimStage.drafted})
    with pytest.raises(RuleViolation) as err:
        claim_domain.check(drafted, DraftClaimNow(actor=OFFICER))
    assert err.value.code == "STATE-CLAIM-STAGE" and "approver" in err.value.message
