"""Reports from the event log (issue 14 point 5, first part): time to fill and applicants
per channel, for one municipality.

``campaign_report`` is pure over parsed events; ``municipality_report`` reads the
municipality's campaign, application and appointment streams from the store. Only
non-personal fields are read (``at``, ``channel``, ids): the report carries no personal
data, so a coordinator may read it.

Time to fill: from the role's first definition (``RoleDefined``) to the appointment
(``Appointed``), in calendar days in Japan. The reference line is the manual's (§4.4,
募集経路): postings on private job sites drew 247 (city A) and 615 (city B) applicants,
postings on the municipality's own website alone averaged 6.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, date, datetime
from statistics import median
from typing import Any

from domain import streams
from domain.events import (
    ApplicationReceived,
    Appointed,
    DocumentScreeningCompleted,
    DomainEvent,
    RoleDefined,
    SubsidyClaimDrafted,
    SubsidyClaimed,
    SubsidyDecided,
    TermEnded,
    TermRenewed,
    parse_event,
)
from domain.fiscal import japan_date
from domain.posting import ChannelKind
from domain.screening import ScreeningOutcome

# 自治体DX全体手順書 §4.4 (参考: 募集経路の事例); the domain brief, "Numbers the manual gives"
REFERENCE = {
    "source": "自治体DX全体手順書【第2.1版】4.4（募集経路の事例）",
    "job_site": [{"case": "A市", "applicants": 247}, {"case": "B市", "applicants": 615}],
    "own_website_average": 6,
}


TERMS_ENDING_WITHIN_DAYS = 90


def campaign_report(municipality: str, events: Iterable[tuple[str, DomainEvent]],
                    today: date | None = None) -> dict[str, Any]:
    """The report over ``(stream_id, event)`` pairs of one municipality, in log order;
    ``today`` (Japan's date) for the terms ending in the next 90 days (none without it)."""
    defined: dict[str, date] = {}
    appointed: dict[str, date] = {}
    channels: dict[str, dict[str, int]] = {}
    screened: dict[str, list[bool]] = {}  # campaign -> passed (not failed) per screening
    term_end: dict[str, date | None] = {}  # appointment -> last day (None: ended)
    term_start: dict[str, date] = {}
    cio: dict[str, bool] = {}  # appointment -> a CIO補佐官等 (R-SUB-11)
    claims: dict[int, dict[str, Any]] = {}
    for stream_id, e in events:
        match e:
            case DocumentScreeningCompleted():
                screened.setdefault(streams.parse(stream_id).key, []).append(
                    e.outcome is not ScreeningOutcome.failed)
            case Appointed() if streams.kind_of(stream_id) == "appointment":
                appointed.setdefault(e.campaign_id, japan_date(e.at))
                term_end[e.appointment_id] = e.terms.term.end
                term_start[e.appointment_id] = e.terms.term.start
                cio[e.appointment_id] = e.counts_as_cio_advisor
            case TermRenewed():
                term_end[e.appointment_id] = e.new_end
            case TermEnded():
                term_end[e.appointment_id] = None
            case SubsidyClaimDrafted():
                claims.setdefault(e.fiscal_year, {})["claimed_yen"] = e.amount_yen
            case SubsidyClaimed():
                fy = int(streams.last_part(stream_id))
                claims.setdefault(fy, {})["submitted_on"] = e.submitted_on.isoformat()
            case SubsidyDecided():
                fy = int(streams.last_part(stream_id))
                claims.setdefault(fy, {}).update(granted_yen=e.granted_yen,
                                                 decided_on=e.decided_on.isoformat())
            case RoleDefined() if streams.kind_of(stream_id) == "recruitment":
                defined.setdefault(streams.last_part(stream_id), japan_date(e.at))
            case ApplicationReceived():
                campaign = streams.parse(stream_id).key
                per = channels.setdefault(campaign, {})
                per[e.channel.value] = per.get(e.channel.value, 0) + 1
    rows = []
    for campaign, start in defined.items():
        end = appointed.get(campaign)
        by_channel = {c.value: channels.get(campaign, {}).get(c.value, 0) for c in ChannelKind}
        rows.append({
            "campaign_id": campaign,
            "defined_on": start.isoformat(),
            "appointed_on": end.isoformat() if end else None,
            "time_to_fill_days": (end - start).days if end else None,
            "applicants": sum(by_channel.values()),
            "applicants_by_channel": by_channel,
            "screened": len(screened.get(campaign, [])),
            "screening_passed": sum(screened.get(campaign, [])),
        })
    ending, in_place = [], []
    if today is not None:
        in_place = sorted(a for a, end in term_end.items()
                          if end is not None and term_start[a] <= today <= end and cio[a])
        for appointment, end in term_end.items():
            if end is not None and 0 <= (end - today).days <= TERMS_ENDING_WITHIN_DAYS:
                ending.append({"appointment_id": appointment, "term_end": end.isoformat(),
                               "days_left": (end - today).days})
    return {"municipality": municipality, "campaigns": rows, **_summary(rows),
            "cio_advisors_in_place": in_place,  # appointments serving today (CIO補佐官等)
            "terms_ending": sorted(ending, key=lambda x: (x["term_end"], x["appointment_id"])),
            "subsidy_by_fiscal_year": [
                {"fiscal_year": fy, "claimed_yen": c.get("claimed_yen"),
                 "submitted_on": c.get("submitted_on"), "granted_yen": c.get("granted_yen"),
                 "decided_on": c.get("decided_on")} for fy, c in sorted(claims.items())],
            "reference": REFERENCE}


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Time to fill and applicants per channel over campaign rows."""
    filled = [r["time_to_fill_days"] for r in rows if r["time_to_fill_days"] is not None]
    screened = sum(r["screened"] for r in rows)
    return {
        "screening": {"screened": screened, "passed": sum(r["screening_passed"] for r in rows),
                      "pass_rate": round(sum(r["screening_passed"] for r in rows) / screened, 3)
                      if screened else None},
        "time_to_fill_days": {
            "campaigns": len(rows), "filled": len(filled), "open": len(rows) - len(filled),
            "median": median(filled) if filled else None,
            "mean": round(sum(filled) / len(filled), 1) if filled else None,
            "min": min(filled) if filled else None, "max": max(filled) if filled else None,
        },
        "applicants_by_channel": {c.value: sum(r["applicants_by_channel"][c.value] for r in rows)
                                  for c in ChannelKind},
    }


def region_report(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """A region (a coordinator's municipalities): each municipality's summary (``items``,
    without its campaign rows) and the summary over every campaign of the region."""
    rows = [r for report in reports for r in report["campaigns"]]
    return {
        "items": [{k: x[k] for k in ("municipality", "cio_advisors_in_place",
                                     "time_to_fill_days", "applicants_by_channel",
                                     "screening", "terms_ending", "subsidy_by_fiscal_year")}
                  for x in reports],
        "region": {"municipalities": len(reports), **_summary(rows)},
        "reference": REFERENCE,
    }


def today() -> date:
    """Japan's date now (the API's and the CLI's clock; the report itself takes ``today``)."""
    return japan_date(datetime.now(UTC))


async def municipality_report(store: Any, municipality: str,
                              today: date | None = None) -> dict[str, Any]:
    """``campaign_report`` over the municipality's streams as recorded now."""
    recorded = []
    for prefix in (streams.campaigns_of(municipality), streams.all_applications_of(municipality),
                   streams.appointments_of(municipality), streams.claims_of(municipality)):
        recorded += await store.read_category(prefix)
    recorded.sort(key=lambda e: e.position)
    wanted = {"RoleDefined", "ApplicationReceived", "Appointed", "DocumentScreeningCompleted",
              "TermRenewed", "TermEnded", "SubsidyClaimDrafted", "SubsidyClaimed",
              "SubsidyDecided"}
    return campaign_report(municipality, (
        (e.stream_id, parse_event(e.type, e.data, e.schema_version))
        for e in recorded if e.type in wanted), today)


def to_csv(report: dict[str, Any], table: str) -> str:
    """``campaigns`` (one row per campaign) or ``channels`` (applicants per channel with the
    manual's reference figures) as CSV."""
    out = io.StringIO()
    w = csv.writer(out)
    channels = [c.value for c in ChannelKind]
    if table == "campaigns":
        w.writerow(["campaign_id", "defined_on", "appointed_on", "time_to_fill_days",
                    "applicants", *channels])
        for r in report["campaigns"]:
            w.writerow([r["campaign_id"], r["defined_on"], r["appointed_on"] or "",
                        "" if r["time_to_fill_days"] is None else r["time_to_fill_days"],
                        r["applicants"], *(r["applicants_by_channel"][c] for c in channels)])
    else:
        w.writerow(["channel", "applicants", "reference_applicants"])
        ref = report["reference"]
        for c in channels:
            w.writerow([c, report["applicants_by_channel"][c],
                        ref["own_website_average"] if c == "own_website" else ""])
        for case in ref["job_site"]:
            w.writerow([f"job_site ({case['case']}, reference)", "", case["applicants"]])
    return out.getvalue()
