"""Issue 14 point 5 (first part): time to fill and applicants per channel, from events —
a hand-computed fixture."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta, timezone
from types import SimpleNamespace

from domain.events import (
    ApplicationReceived,
    Appointed,
    DocumentScreeningCompleted,
    RoleDefined,
    SubsidyClaimDrafted,
    SubsidyClaimed,
    SubsidyDecided,
    TermEnded,
    TermRenewed,
)
from domain.posting import ChannelKind
from domain.screening import ScreeningOutcome
from views.reports import campaign_report, region_report, to_csv

JST = timezone(timedelta(hours=9))
M = "073024"


def defined(campaign: str, at: datetime):
    return f"recruitment:{M}:{campaign}", RoleDefined.model_construct(at=at, by="hr")


def applied(campaign: str, app: str, channel: ChannelKind):
    return (f"application:{M}:{campaign}:{app}", ApplicationReceived.model_construct(
        at=datetime(2024, 6, 1, tzinfo=UTC), by="hr", channel=channel))


def appointed(campaign: str, at: datetime, end: date = date(2026, 3, 31), m: str = M):
    terms = SimpleNamespace(term=SimpleNamespace(start=at.date(), end=end))
    return (f"appointment:{m}:apt-{campaign}", Appointed.model_construct(
        at=at, by="ap", campaign_id=campaign, appointment_id=f"apt-{campaign}", terms=terms,
        cio_advisor=True, persona="producer"))


def screened(campaign: str, app: str, outcome: ScreeningOutcome):
    return (f"application:{M}:{campaign}:{app}", DocumentScreeningCompleted.model_construct(
        at=datetime(2024, 6, 2, tzinfo=UTC), by="hr", outcome=outcome))


def on_claim(event_cls, **fields):
    return f"subsidy:{M}:2024", event_cls.model_construct(
        at=datetime(2025, 4, 20, tzinfo=UTC), by="hr", **fields)


def test_time_to_fill_and_applicants_per_channel_hand_computed():
    """c1: defined 2024-04-01, appointed 2024-07-15 -> 30 + 31 + 30 + 14 = 105 days.
    c2: defined 2024-05-31 23:30 UTC = 2024-06-01 08:30 JST (Japan's calendar day),
        appointed 2024-06-30 -> 29 days. c3: open.
    Median and mean of (105, 29): 67. Applicants: own_website 3 + 1 = 4, agency 1,
    mic_publication 2."""
    events = [
        defined("c1", datetime(2024, 4, 1, 10, tzinfo=JST)),
        defined("c2", datetime(2024, 5, 31, 23, 30, tzinfo=UTC)),
        defined("c3", datetime(2024, 9, 1, 9, tzinfo=JST)),
        defined("c1", datetime(2024, 4, 20, 9, tzinfo=JST)),  # redefined: the first counts
        applied("c1", "a1", ChannelKind.own_website),
        applied("c1", "a2", ChannelKind.own_website),
        applied("c1", "a3", ChannelKind.own_website),
        applied("c1", "a4", ChannelKind.agency),
        applied("c2", "a1", ChannelKind.mic_publication),
        applied("c2", "a2", ChannelKind.mic_publication),
        applied("c3", "a1", ChannelKind.own_website),
        appointed("c1", datetime(2024, 7, 15, 14, tzinfo=JST), end=date(2025, 3, 31)),
        appointed("c2", datetime(2024, 6, 30, 10, tzinfo=JST), end=date(2024, 9, 30)),
        screened("c1", "a1", ScreeningOutcome.passed),
        screened("c1", "a2", ScreeningOutcome.needs_interview),
        screened("c1", "a3", ScreeningOutcome.failed),
        screened("c1", "a4", ScreeningOutcome.failed),
        screened("c2", "a1", ScreeningOutcome.passed),
        (f"appointment:{M}:apt-c2", TermRenewed.model_construct(
            at=datetime(2024, 9, 1, tzinfo=UTC), by="ap", appointment_id="apt-c2",
            new_end=date(2025, 9, 30))),
        appointed("c9", datetime(2023, 4, 1, tzinfo=JST), end=date(2025, 2, 28)),
        (f"appointment:{M}:apt-c9", TermEnded.model_construct(
            at=datetime(2024, 12, 1, tzinfo=UTC), by="hr", appointment_id="apt-c9")),
        on_claim(SubsidyClaimDrafted, fiscal_year=2024, amount_yen=791_735),
        on_claim(SubsidyClaimed, submitted_on=date(2025, 4, 20)),
        on_claim(SubsidyDecided, granted_yen=791_000, decided_on=date(2025, 6, 1)),
    ]
    report = campaign_report(M, events, today=date(2025, 1, 15))
    rows = {r["campaign_id"]: r for r in report["campaigns"]}
    assert rows["c1"]["time_to_fill_days"] == 105
    assert rows["c2"]["defined_on"] == "2024-06-01"
    assert rows["c2"]["time_to_fill_days"] == 29
    assert rows["c3"]["time_to_fill_days"] is None and rows["c3"]["applicants"] == 1
    assert rows["c1"]["applicants_by_channel"]["agency"] == 1
    assert report["time_to_fill_days"] == {"campaigns": 3, "filled": 2, "open": 1,
                                           "median": 67.0, "mean": 67.0, "min": 29, "max": 105}
    assert report["applicants_by_channel"] == {"own_website": 4, "mic_publication": 2,
                                               "agency": 1, "referral": 0, "ict_partnership": 0}
    assert [c["applicants"] for c in report["reference"]["job_site"]] == [247, 615]
    # screening: c1 2 of 4 not failed, c2 1 of 1 -> 3 of 5
    assert report["screening"] == {"screened": 5, "passed": 3, "pass_rate": 0.6}
    assert rows["c1"]["screening_passed"] == 2
    # terms: c1 ends 2025-03-31 = 16 + 28 + 31 = 75 days after 2025-01-15; c2 renewed to
    # 2025-09-30 (beyond 90 days); c9 ended early
    # in place on 2025-01-15: c1 (to 2025-03-31) and c2 (renewed); c9 ended early
    assert report["cio_advisors_in_place"] == ["apt-c1", "apt-c2"]
    assert report["terms_ending"] == [
        {"appointment_id": "apt-c1", "term_end": "2025-03-31", "days_left": 75}]
    assert report["subsidy_by_fiscal_year"] == [
        {"fiscal_year": 2024, "claimed_yen": 791_735, "submitted_on": "2025-04-20",
         "granted_yen": 791_000, "decided_on": "2025-06-01"}]
    assert report["reference"]["own_website_average"] == 6

    channels = list(csv.reader(io.StringIO(to_csv(report, "channels"))))
    assert channels[1] == ["own_website", "4", "6"]
    assert [r[2] for r in channels[-2:]] == ["247", "615"]
    campaigns = list(csv.reader(io.StringIO(to_csv(report, "campaigns"))))
    assert campaigns[1][:5] == ["c1", "2024-04-01", "2024-07-15", "105", "4"]


def test_region_report_sums_its_municipalities():
    """Two towns: A filled one campaign in 105 days (2 applicants on its website), B one in
    29 days (1 via an agency) -> region: 2 filled, median 67, own_website 2, agency 1."""
    a = campaign_report("000001", [
        ("recruitment:000001:c1", RoleDefined.model_construct(
            at=datetime(2024, 4, 1, tzinfo=JST), by="x")),
        appointed("c1", datetime(2024, 7, 15, tzinfo=JST), m="000001"),
        *[(f"application:000001:c1:a{i}", ApplicationReceived.model_construct(
            at=datetime(2024, 5, 1, tzinfo=JST), by="x", channel=ChannelKind.own_website))
          for i in (1, 2)],
    ])
    b = campaign_report("000002", [
        ("recruitment:000002:c1", RoleDefined.model_construct(
            at=datetime(2024, 6, 1, tzinfo=JST), by="x")),
        ("application:000002:c1:a1", ApplicationReceived.model_construct(
            at=datetime(2024, 6, 5, tzinfo=JST), by="x", channel=ChannelKind.agency)),
        appointed("c1", datetime(2024, 6, 30, tzinfo=JST), m="000002"),
    ])
    region = region_report([a, b])
    assert [x["municipality"] for x in region["items"]] == ["000001", "000002"]
    assert region["region"]["municipalities"] == 2
    assert region["region"]["time_to_fill_days"]["median"] == 67.0
    assert region["region"]["applicants_by_channel"]["own_website"] == 2
    assert region["region"]["applicants_by_channel"]["agency"] == 1
    assert "campaigns" not in region["items"][0]
