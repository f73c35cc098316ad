"""Each aggregate's decide is a table of one function per command: every command of the
aggregate's union has its function (a command left out would be refused at run time with
STATE-UNKNOWN-COMMAND), and the Event union is the event catalogue, once."""

from __future__ import annotations

import typing

from domain import appointment_lifecycle, claim, commands, events, recruitment


def test_every_campaign_command_has_its_decider():
    assert set(typing.get_args(commands.RecruitmentCommand)) == set(recruitment.DECIDERS)


def test_every_appointment_command_has_its_decider():
    assert set(typing.get_args(commands.AppointmentCommand)) == set(appointment_lifecycle.DECIDERS)


def test_every_claim_command_is_decided_or_checked():
    listed = set(typing.get_args(commands.ClaimCommand))
    assert listed == set(claim.DECIDERS) | set(claim.STEPS)
    # RedraftClaim and DraftClaimNow ask the workflow for a new DraftClaim (no decider)
    assert set(claim.STEPS) - set(claim.DECIDERS) == {commands.RedraftClaim, commands.DraftClaimNow}


def test_the_event_union_is_the_catalogue():
    union = typing.get_args(typing.get_args(events.Event)[0])
    assert union == events.EVENT_CLASSES
    assert set(events.EVENT_TYPES.values()) == set(events.EVENT_CLASSES)
    assert len(events.EVENT_TYPES) == len(events.EVENT_CLASSES)  # no two share a type name
