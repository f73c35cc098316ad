"""The demo's data: the town, its people (fictional), the role, the applicants' bodies,
the interview records, and the pace (how long the compressed durations are)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime

from domain.fiscal import japan_date

# ---------------------------------------------------------------- the scenario's data

MUNICIPALITY = {
    "name": "磐梯町", "kind": "town", "prefecture": "福島県", "population": 3300, "code": "074080",
}
HR_OFFICER = "dx-officer-1"  # 総務課 DX推進係 (user ids, never names)
APPROVER = "deputy-mayor"  # 副町長 (CIO)
MONTHLY_PAY_YEN = 300_000
AGENCY = "株式会社みらい人材エージェント"
# the manual's 団体③ paid "約100万円程度" for an agency campaign (参考4.4-⑯): 1,000,000 yen
# plus 10% consumption tax; half of it is over the 500,000 yen cap (R-SUB-4)
AGENCY_FEE_YEN = 1_100_000
CHOSEN_EMPLOYER = "株式会社みちのくデジタル総研"

FAMILY = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
          "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "斎藤", "清水", "阿部")
GIVEN = ("健一", "美咲", "大輔", "由美", "翔太", "直子", "拓也", "恵理", "誠司", "裕子",
         "亮介", "真由", "和也", "香織", "慎吾", "智子", "隆之", "彩花", "俊介", "陽子")
COMPANIES = ("東北システム開発株式会社", "株式会社アオバ情報技術", "ふくしまITソリューションズ株式会社",
             "株式会社北都コンサルティング", "株式会社ネクストガバメント", "日本行政DX株式会社",
             "株式会社さくらデータサービス", "会津クラウド株式会社")


def _today_jst() -> date:
    """Today in Japan (dates of declarations, pledges, submissions; the fiscal year)."""
    return japan_date(datetime.now(UTC))


def applicant_names(n: int, seed: int = 74080) -> list[str]:
    """The fictional applicants' full names (the test checks none is ever printed)."""
    rng = random.Random(seed)
    pairs = [(f, g) for f in FAMILY for g in GIVEN]
    rng.shuffle(pairs)
    return [f"{f} {g}" for f, g in pairs[:n]]


@dataclass
class Applicant:
    application_id: str
    applicant_id: str
    name: str
    channel: str
    employer: str
    past_employer: str
    qualifications: list[str]
    reform_years: int
    strategy_team: bool
    local_gov: bool
    claimed_level: int | None
    chosen: bool = False
    score: int = 0
    outcome: str | None = None
    interviewed: bool = False


def roster(n: int, campaign: str, seed: int = 74080) -> list[Applicant]:
    """``n`` fictional applicants of varied strength; one (not the first) is the strong
    candidate who will be appointed."""
    rng = random.Random(seed + n)
    names = applicant_names(n, seed)
    chosen = min(n - 1, 5 if n > 6 else n // 2)
    out: list[Applicant] = []
    for i, name in enumerate(names):
        strong = i == chosen
        quals = (["ST", "AP"] if strong else
                 rng.sample(["SA", "AU", "SC", "PM", "AP", "FE", "IP", "ST"], k=rng.randint(0, 2)))
        out.append(Applicant(
            application_id=f"a{i + 1:02d}",
            applicant_id=f"p-{campaign}-{i + 1:02d}",
            name=name,
            channel="agency" if strong else rng.choice(
                ["agency", "agency", "own_website", "mic_publication", "referral"]),
            employer=CHOSEN_EMPLOYER if strong else rng.choice(COMPANIES),
            past_employer=rng.choice(COMPANIES),
            qualifications=quals,
            reform_years=8 if strong else rng.choice([0, 1, 2, 3, 4, 5, 6, 10]),
            strategy_team=strong or rng.random() < 0.3,
            local_gov=strong or rng.random() < 0.4,
            claimed_level=5 if strong else rng.choice([None, 3, 4]),
            chosen=strong,
        ))
    return out


def role_definition(term_start: date, term_end: date) -> dict:
    """The producer persona's role (R-SKILL-1/2), advice-only duties (R-FORM-2/5), with
    the DX initiatives it works on (R-POST-1) and requirements worded per R-SKILL-5."""
    return {
        "title": "CIO補佐官（DX推進アドバイザー）",
        "persona": "producer",
        "duties": [
            {"kind": "advice", "text": "町のDX推進計画と全体方針の立案に対する助言"},
            {"kind": "research", "text": "窓口・内部事務の業務プロセス調査とBPRの提案"},
            {"kind": "diagnosis", "text": "情報セキュリティ対策（三層の対策）の点検・診断"},
            {"kind": "advice", "text": "基幹業務システムの標準化・ガバメントクラウド移行の調達への助言"},
        ],
        "initiatives": ["system_standardization", "online_procedures", "bpr", "security"],
        "form": "special_part_time",
        "work_style": {"days_per_month": 4, "on_site_days_per_month": 2, "remote_allowed": True,
                       "side_job_allowed": True},
        "pay": {"amount_yen": MONTHLY_PAY_YEN, "unit": "month", "note": "旅費別途"},
        "term": {"start": term_start.isoformat(), "end": term_end.isoformat(), "renewable": True},
        "requirements": [
            {"id": "level", "importance": "required",
             "text": "UISS ビジネスストラテジスト レベル4相当以上、又はITストラテジスト・"
                     "システムアーキテクト・システム監査技術者・情報処理安全確保支援士のいずれかに合格",
             "any_of": [
                 {"kind": "level", "framework": "uiss", "field": "business_strategist",
                  "min_level": 4},
                 {"kind": "qualification", "exam": "ST"},
                 {"kind": "qualification", "exam": "SA"},
                 {"kind": "qualification", "exam": "AU"},
                 {"kind": "qualification", "exam": "SC"},
             ]},
            {"id": "reform", "importance": "required",
             "text": "ICTを活用した業務改革を担った経験（3年以上）",
             "any_of": [{"kind": "experience", "experience": "ict_business_reform",
                         "min_years": 3}]},
            {"id": "strategy", "importance": "preferred",
             "text": "デジタル戦略チームの統括、又は自治体での勤務・支援の経験",
             "any_of": [{"kind": "experience", "experience": "led_digital_strategy_team"},
                        {"kind": "experience", "experience": "local_government"}]},
        ],
    }


def application_body(a: Applicant) -> dict:
    experiences: list[dict] = []
    if a.reform_years:
        experiences.append({"kind": "ict_business_reform", "years": a.reform_years,
                            "description": "業務改革プロジェクトの推進",
                            "fields": ["uiss:business_strategist"]})
    if a.strategy_team:
        experiences.append({"kind": "led_digital_strategy_team", "years": 3,
                            "description": "全社デジタル戦略チームの統括"})
    if a.local_gov:
        experiences.append({"kind": "local_government", "years": 4,
                            "description": "市町村の情報政策部門への常駐支援"})
    levels = ([{"framework": "uiss", "field": "business_strategist", "level": a.claimed_level}]
              if a.claimed_level else [])
    current = {"company": a.employer, "from_date": "2016-04-01", "position": "シニアコンサルタント"}
    past = {"company": a.past_employer if a.past_employer != a.employer else "個人事業",
            "from_date": "2009-04-01", "to_date": "2016-03-31", "position": "SE"}
    companies = dict.fromkeys([current["company"], past["company"]])
    return {
        "application_id": a.application_id,
        "applicant_id": a.applicant_id,
        "channel": a.channel,
        "name": a.name,
        "contact": {"email": f"{a.applicant_id}@example.jp"},
        "career_history": [current, past],
        "profile": {
            "qualifications": [{"exam": q, "passed_year": 2014} for q in a.qualifications],
            "skill_levels": levels,
            "experiences": experiences,
        },
        "conflict_of_interest": {
            "current_employers": [current],
            "past_employers": [past],
            "side_jobs": [],
            "groups": [{"parent": None, "members": [c]} for c in companies],
            "declared_on": _today_jst().isoformat(),
        },
    }


def interview_record(a: Applicant, rank: int) -> dict:
    """R-SCR-2: concrete projects — what project, in which position, with what result."""
    if a.chosen:
        return {
            "projects": [
                {"project": "県内15市町村の基幹業務システム標準化・ガバメントクラウド共同移行",
                 "position": "発注者支援側のPMO統括",
                 "result": "移行計画を6か月前倒しで策定し、運用経費を試算比18%削減",
                 "employer": a.employer, "years": 3},
                {"project": "人口2万人の町の「書かない窓口」導入とBPR",
                 "position": "BPRリード（業務フロー再設計）",
                 "result": "窓口の平均待ち時間を35分から12分に短縮、申請書の記入項目を6割削減",
                 "employer": a.employer, "years": 1.5},
            ],
            "assessment": "国の方針と町村の実務の双方に精通し、職員と対話しながら進める姿勢が明確",
            "recommendation": "proceed",
        }
    return {
        "projects": [
            {"project": "中核市の電子申請システム更改", "position": "ベンダー側のサブリーダー",
             "result": "オンライン申請対象手続を40件から120件に拡大", "employer": a.employer},
        ],
        "assessment": "技術面は確かだが、全庁的な方針立案の経験が限られる",
        "recommendation": "hold" if rank == 1 else "reject",
    }


READINESS_NOTES = {
    1: "町長・副町長・課長会議で外部人材を招く目的と期待する役割を共有（議事録あり）",
    2: "DX推進係を主管とし、職員が主体となって業務を担う体制を確認（丸投げしない）",
    3: "専門分野（標準化・BPR）を明示し、過大な期待をしないことを庁内に周知",
    4: "総務課を受入窓口に、意思決定過程・予算ルール・年間スケジュールを説明済み",
    5: "所属企業と勤務日数・兼業条件・守秘の扱いを書面で合意",
}


# ---------------------------------------------------------------- timing


@dataclass(frozen=True)
class Pace:
    """Short configured durations (seconds), so a campaign and a year finish in minutes."""

    deadline_base: float  # posting deadline after publishing ...
    deadline_per_applicant: float  # ... plus this per expected applicant
    claim_settle: float  # the claim drafts once no appointment reported for this long
    month: float  # pause per month of remuneration (only so the year is visible)
    concurrency: int  # parallel API calls for per-applicant steps


# the settling period outlasts recording the year's payments; a draft made earlier anyway
# (a slow machine) is redrafted by the HR officer, as for any late payment
FAST = Pace(deadline_base=3.0, deadline_per_applicant=0.2, claim_settle=5.0, month=0.0,
            concurrency=6)
NORMAL = Pace(deadline_base=6.0, deadline_per_applicant=0.25, claim_settle=12.0, month=0.25,
              concurrency=6)
