"""Commands: frozen, unknown fields refused, every one names its actor."""

from __future__ import annotations

import typing

import pytest
from pydantic import ValidationError

from domain import commands
from domain.commands import Command, DefineRole, SubmitRoleForApproval
from domain.skill_standard import Importance, IpaExam, QualificationCriterion, Requirement
from tests.unit.lifecycle_builders import OFFICER, SAKATA, Campaign, role

ALL = sorted(
    {
        c
        for c in vars(commands).values()
        if isinstance(c, type) and issubclass(c, Command) and c is not Command
    },
    key=lambda c: c.__name__,
)


def test_the_unions_list_every_command():
    listed = (
        set(typing.get_args(commands.RecruitmentCommand))
        | set(typing.get_args(commands.AppointmentCommand))
        | set(typing.get_args(commands.ClaimCommand))
    )
    assert listed == set(ALL)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_every_command_names_its_actor_and_forbids_extra_fields(cls):
    assert cls.model_fields["actor"].is_required()
    assert cls.model_config["extra"] == "forbid" and cls.model_config["frozen"]
    assert cls.model_fields["kind"].default == cls.__name__


def test_unknown_fields_and_mutation_are_refused():
    with pytest.raises(ValidationError):
        SubmitRoleForApproval(actor=OFFICER, note="hi")
    cmd = SubmitRoleForApproval(actor=OFFICER)
    with pytest.raises(ValidationError):
        cmd.actor = OFFICER


def test_R_SKILL_5_advice_travels_with_the_defined_role():
    st_only = Requirement(
        id="st", importance=Importance.required, any_of=(QualificationCriterion(exam=IpaExam.ST),)
    )
    (e,) = Campaign().do(
        DefineRole(
            actor=OFFICER, campaign_id="c1", municipality=SAKATA, role=role(requirements=(st_only,))
        )
    )
    assert [a.code for a in e.advice] == ["R-SKILL-5"]
