"""Japanese formatting for the documents: ``domain.i18n`` (the shared interface, owned by
the rules' side) when it is there, with a minimal stand-in until it lands.

TEMPORARY: the fallback below goes away as soon as ``domain/i18n.py`` is on main; the
documents only call the names of that interface.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")
WEEKDAYS = "月火水木金土日"

# Labels the documents need that the shared table may not have (used when it answers the
# code itself, i.e. "unknown").
_DOC_LABELS: dict[str, dict[str, str]] = {
    "form": {
        "specific_fixed_term": "特定任期付職員",
        "special_part_time": "特別職非常勤職員",
        "outsourcing": "業務委託",
        "enterprise_dispatch": "地域活性化起業人",
    },
    "channel": {
        "own_website": "自団体のホームページ", "mic_publication": "総務省ホームページでの公表（都道府県経由）",
        "agency": "民間人材紹介会社", "referral": "紹介", "ict_partnership": "ICT企業等との連携協定",
    },
    "reason": {
        "requirements_not_met": "応募資格の要件を満たしていないため",
        "interview_assessment": "面接の評価によるため",
        "conflict_of_interest": "利益相反のおそれがあるため",
        "another_candidate_selected": "他の応募者を選考したため",
        "incomplete_application": "応募書類に不備があったため",
        "other": "その他の理由によるため",
    },
    "screening_outcome": {"passed": "通過", "needs_interview": "面接で確認", "failed": "不合格"},
    "application_status": {
        "received": "受付済み", "screened": "書類選考済み", "interviewing": "面接中",
        "shortlisted": "最終候補", "rejected": "不採用", "withdrawn": "辞退",
        "appointed": "任用",
    },
    "role": {"hr_officer": "人事担当職員", "approver": "承認者", "auditor": "監査担当",
             "system": "システム", "admin": "管理者", "applicant": "応募者"},
    "event_type": {
        "RoleDefined": "職の定義", "RoleSubmittedForApproval": "承認申請", "RoleReturned": "差戻し",
        "RoleApproved": "職の承認", "PostingPublished": "募集の公開",
        "PostingDeadlineExtended": "応募締切の延長", "PostingClosed": "募集の締切",
        "Reposted": "再募集", "CampaignClosed": "募集の終了", "CampaignCancelled": "募集の中止",
        "OfferApproved": "内定の承認", "OfferMade": "内定の通知", "OfferAccepted": "内定の受諾",
        "OfferDeclined": "内定の辞退", "OfferLapsed": "内定の失効", "PledgeRequested": "誓約書の依頼",
        "PledgeSigned": "誓約書の署名", "PledgeExpired": "誓約書の期限切れ",
        "ReadinessItemConfirmed": "受入れ準備の確認", "Appointed": "任用",
        "CostRecorded": "経費の記録", "ReminderSent": "リマインダー送信",
        "ApplicationReceived": "応募の受付", "ApplicationWithdrawn": "応募の辞退",
        "DocumentScreeningCompleted": "書類選考", "InterviewScheduled": "面接の設定",
        "InterviewRecorded": "面接記録", "ApplicantShortlisted": "最終候補に選定",
        "ApplicantRejected": "不採用", "TermRenewed": "任期の更新", "TermEnded": "任期の終了",
        "SubsidyAssessed": "特別交付税の算定", "SubsidyClaimDrafted": "請求の起案",
        "SubsidyClaimApproved": "請求の承認", "SubsidyClaimed": "請求", "SubsidyDecided": "交付決定",
        "DocumentIssued": "文書の発行",
    },
}

try:  # pragma: no cover - which branch runs depends on what main has
    from domain.i18n import (  # type: ignore[import-not-found]
        format_date,
        format_datetime,
        format_deadline,
        format_yen,
        reiwa_year,
    )
    from domain.i18n import label as _shared_label  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover

    def _wareki(d: date) -> str:
        if d >= date(2019, 5, 1):
            n = d.year - 2018
            era = "令和"
        else:
            n = d.year - 1988
            era = "平成"
        return f"{era}{'元' if n == 1 else n}年{d.month}月{d.day}日"

    def format_date(d: date, *, western: bool = True) -> str:
        w = _wareki(d)
        return f"{w}（{d.year}年{d.month}月{d.day}日）" if western else w

    def format_datetime(instant: datetime) -> str:
        j = instant.astimezone(JST)
        return f"{_wareki(j.date())} {j.hour}時{j.minute:02d}分"

    def format_deadline(instant: datetime) -> str:
        j = instant.astimezone(JST)
        minute = f"{j.minute}分" if j.minute else ""
        return f"{_wareki(j.date())}（{WEEKDAYS[j.weekday()]}）{j.hour}時{minute}"

    _PER = {"month": "月額", "day": "日額", "hour": "時間額", "year": "年額"}

    def format_yen(amount: int, per: str | None = None) -> str:
        s = f"{amount:,}円"
        return f"{s}（{_PER[per]}）" if per in _PER else s

    def reiwa_year(fiscal_year: int) -> str:
        n = fiscal_year - 2018
        return f"令和{'元' if n == 1 else n}年度"

    def _shared_label(kind: str, code: str) -> str:
        return code


def label(kind: str, code: str) -> str:
    """The shared label table's Japanese, else the documents' own, else the code."""
    found = _shared_label(kind, code)
    return _DOC_LABELS.get(kind, {}).get(code, code) if found == code else found


def jst_date(instant: datetime) -> date:
    return (instant if instant.tzinfo else instant.replace(tzinfo=UTC)).astimezone(JST).date()


__all__ = [
    "JST", "format_date", "format_datetime", "format_deadline", "format_yen", "jst_date",
    "label", "reiwa_year",
]
