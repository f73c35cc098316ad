"""Stream ids are built and parsed in domain.streams only: what is built parses back to the
same parts, and ids of no known shape are refused."""

from __future__ import annotations

import pytest

from domain import streams


def test_every_kind_of_stream_id_parses_back_to_its_parts():
    assert streams.parse(streams.campaign("073024", "c1")) == ("recruitment", "073024", "c1", None)
    app = streams.parse(streams.application("073024", "c1", "a1"))
    assert (app.kind, app.campaign_id, app.application_id) == ("application", "c1", "a1")
    assert streams.parse(streams.appointment("073024", "ap1")).appointment_id == "ap1"
    assert streams.parse(streams.claim("073024", 2025)).fiscal_year == 2025
    assert streams.applications_of("073024", "c1") == "application:073024:c1:"
    assert streams.application("073024", "c1", "a1").startswith(streams.applications_of("073024", "c1"))
    assert streams.appointment("073024", "ap1").startswith(streams.appointments_of("073024"))
    assert streams.campaign("073024", "c1").startswith(streams.campaigns_of("073024"))


@pytest.mark.parametrize("bad", [
    "payroll:073024:c1", "recruitment:073024", "recruitment:073024:c1:x", "application:073024:c1",
    "subsidy:073024:next", "appointment::ap1",
])
def test_ids_of_no_known_shape_are_refused(bad):
    with pytest.raises(ValueError):
        streams.parse(bad)
    assert not streams.is_stream(bad)


def test_municipality_of_reads_prefixes_too():
    assert streams.municipality_of("application:073024:c1") == "073024"
    assert streams.municipality_of("payroll:073024:c1") is None
    assert streams.municipality_of("recruitment:073024") is None


def test_a_documents_stream_names_its_subjects_ids():
    assert streams.document("073024", "posting", streams.campaign("073024", "c1")) == (
        "document:073024:posting:c1")
    assert streams.document("073024", "rejection", streams.application("073024", "c1", "a1")) == (
        "document:073024:rejection:c1:a1")
