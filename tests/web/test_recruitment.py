"""One whole recruitment through the screens only, in Debian's chromium.

The officer defines the role (the R-FORM finding and the R-SKILL-5 advice appear inline as
she types), the approver approves it from its home page, the officer publishes, records
three applications, screens, interviews, shortlists, rejects one; the approver approves
the offer seeing the candidate, her screening and interview record; the officer records
the acceptance and the pledges, the approver appoints; the officer records readiness and a
cost and drafts the year's special allocation tax claim, which the approver approves;
then the auditor opens the timeline (Japanese labels, JST), a state as of a date and
verifies the log. axe-core checks every page on the way (no serious/critical violation);
the main pages are photographed into docs/screens/.

No sleeps: every wait is on page state (Playwright's auto-waiting ``expect``).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from playwright.async_api import expect

from tests.web.conftest import sign_in
from tests.web.helpers import Tour

pytestmark = pytest.mark.slow
JST = timezone(timedelta(hours=9))
APPLICANTS = ("山田 太郎", "佐藤 花子", "鈴木 一郎")


async def _post(page, button: str) -> None:
    await page.get_by_role("button", name=button).click()
    await page.wait_for_load_state()


async def test_a_whole_recruitment_through_the_screens(site, browser):
    tour = Tour()
    # ---------------------------------------------------------------- the officer defines the role
    officer = await sign_in(browser, site, "tanaka")
    await expect(officer.get_by_role("heading", name="ホーム：自分の仕事")).to_be_visible()
    await tour.check(officer)
    await officer.get_by_role("link", name="募集の作成").first.click()
    await officer.get_by_label("団体名").fill("酒田市")
    await officer.get_by_label("都道府県").fill("山形県")
    await officer.get_by_label("人口").fill("98000")
    await officer.get_by_label("業務1の内容").fill("DX推進計画の策定と進行管理への助言")
    await officer.get_by_label("BPRの取組の徹底").check()
    await officer.get_by_label("要件1：試験").select_option("SA")
    await officer.get_by_label("又は 経験").first.select_option("ict_business_reform")
    await officer.get_by_label("経験年数").first.fill("3")
    await officer.get_by_label("募集要項での表現", exact=True).first.fill(
        "システムアーキテクト試験合格又はICTを活用した業務改革を担った経験3年以上")
    await officer.get_by_label("報酬（円）").fill("300000")
    # a duty the special part-time form may not carry: R-FORM-5 appears inline (htmx)
    await officer.get_by_label("業務1の種類").select_option("deciding")
    findings = officer.locator("#findings")
    await expect(findings).to_contain_text("R-FORM-5")
    # vague experience wording: R-SKILL-5 advice appears too
    await officer.get_by_label("要件2の区分").select_option("preferred")
    await officer.locator("#req_experience_1").select_option("is_work")
    await expect(findings).to_contain_text("R-SKILL-5")
    await tour.check(officer, "02_define_role")
    await officer.get_by_label("業務1の種類").select_option("advice")
    await officer.locator("#req_experience_1").select_option("")
    await expect(findings).to_contain_text("規定上の問題は見つかりませんでした")
    await _post(officer, "この内容で募集を作成")
    await expect(officer.locator("h1")).to_contain_text("役割定義中")
    campaign_url = officer.url.split("?")[0]
    await _post(officer, "承認を申請する")
    await expect(officer.locator("h1")).to_contain_text("承認待ち")
    await tour.check(officer)

    # ---------------------------------------------------------------- the approver approves
    approver = await sign_in(browser, site, "fukushi")
    await expect(approver.get_by_role("link", name="役割定義の承認")).to_be_visible()
    await tour.check(approver)
    await approver.get_by_role("link", name="役割定義の承認").click()
    await _post(approver, "役割の定義を承認する")
    await expect(approver.locator("h1")).to_contain_text("承認済み")
    await expect(approver.get_by_role("status")).to_contain_text("役割の承認")

    # ---------------------------------------------------------------- publish, three applications
    await officer.goto(campaign_url)
    await officer.get_by_label("問合せ先（メール）").fill("dx@city.sakata.example.lg.jp")
    await _post(officer, "公開する")
    await expect(officer.locator("h1")).to_contain_text("募集中")
    await officer.get_by_role("link", name="標準募集様式で表示").click()
    await expect(officer.get_by_role("heading", name="募集要項（標準募集様式）")).to_be_visible()
    await tour.check(officer, "04_posting")
    await officer.goto(campaign_url)
    for i, name in enumerate(APPLICANTS):
        await officer.locator("summary", has_text="応募を受け付ける").click()
        await officer.get_by_label("氏名").fill(name)
        await officer.get_by_label("現在の勤務先").fill(f"Example Systems {i} K.K.")
        await officer.get_by_label("勤務開始日").fill(f"201{i}-04-01")
        if i == 0:
            await officer.get_by_label("システムアーキテクト").check()
            await officer.get_by_label("主な経験").select_option("ict_business_reform")
            await officer.get_by_label("経験年数").fill("6")
        await _post(officer, "応募を受け付ける")
        await expect(officer.get_by_role("status")).to_contain_text("応募受付")
    await expect(officer.get_by_role("heading", name="応募者（3件）")).to_be_visible()
    await _post(officer, "募集を締め切る")
    await expect(officer.locator("h1")).to_contain_text("書類選考中")
    await expect(officer.locator("summary", has_text="再募集する")).to_be_visible()
    await tour.check(officer, "05_applicants")

    # ---------------------------------------------------------------- screening, interview, reject
    await officer.get_by_role("link", name=APPLICANTS[0]).click()
    applicant_url = officer.url.split("?")[0]
    await _post(officer, "書類選考を行う")
    await expect(officer.get_by_role("heading", name="書類選考（要件ごと）")).to_be_visible()
    await expect(officer.locator("h1")).to_contain_text("書類選考済み")
    await _post(officer, "面接を設定する")
    await officer.get_by_label("担当したプロジェクト").fill("県内12市町村の基幹系システム標準化移行")
    await officer.get_by_label("立場").fill("PMO責任者")
    await officer.get_by_label("成果").fill("予定より2か月早く移行完了、運用費を年15%削減")
    await officer.get_by_label("総合評価").fill("標準化の実務に精通")
    await _post(officer, "記録する")
    await expect(officer.get_by_role("status")).to_contain_text("面接記録")
    await _post(officer, "最終候補にする")
    await expect(officer.locator("h1")).to_contain_text("最終候補")
    await expect(officer.get_by_text("承認者の内定承認を待っています")).to_be_visible()

    await officer.goto(campaign_url)
    await officer.get_by_role("link", name=APPLICANTS[1]).click()
    await _post(officer, "書類選考を行う")
    await officer.locator("summary", has_text="不採用にする").click()
    await officer.get_by_label("理由", exact=True).select_option("another_candidate_selected")
    await officer.get_by_label("通知する理由の説明").fill("他の候補者を選定したため")
    await _post(officer, "不採用を記録する")
    await expect(officer.locator("h1")).to_contain_text("不採用")

    # ---------------------------------------------------------------- the approver approves the offer
    await approver.goto(site.base + "/ui/home")
    await approver.get_by_role("link", name="内定の承認").click()
    await expect(approver.locator("h1")).to_contain_text(APPLICANTS[0])
    await expect(approver.get_by_role("heading", name="書類選考（要件ごと）")).to_be_visible()
    await expect(approver.get_by_text("記録済み")).to_be_visible()
    await expect(approver.get_by_role("cell", name="PMO責任者")).to_be_visible()  # the record
    await tour.check(approver, "06_offer_approval")
    await _post(approver, "内定を承認する")
    await expect(approver.get_by_role("status")).to_contain_text("内定の承認")

    # ---------------------------------------------------------------- offer, pledges, appointment
    await officer.goto(applicant_url)
    await _post(officer, "内定を通知する")
    await _post(officer, "内定承諾を記録する")
    await expect(officer.get_by_role("heading", name="誓約書・入札制限")).to_be_visible()
    await tour.check(officer)
    await _post(officer, "誓約書の署名を記録する")
    await expect(officer.get_by_role("status")).to_contain_text("誓約書の署名")
    # what-if: may the appointee's own employer bid on a procurement whose spec she wrote?
    await officer.get_by_label("入札する事業者").fill("Example Systems 0 K.K.")
    await officer.get_by_label("この調達の仕様書の作成に関与した").check()
    await officer.get_by_role("button", name="確認する（記録はされません）").click()
    await expect(officer.locator("#bid-result")).to_contain_text("制限")
    await tour.check(officer, "07_pledges")

    await approver.goto(site.base + "/ui/home")
    await approver.get_by_role("link", name="任用", exact=True).first.click()
    await _post(approver, "任用する")
    await expect(approver.locator("h1")).to_contain_text("任用：")
    appointment_url = approver.url.split("?")[0]

    # ---------------------------------------------------------------- close out the others
    # the third applicant was never screened: after the appointment no one stays in limbo
    await officer.goto(campaign_url)
    await officer.locator("summary", has_text="残りの応募者をまとめて不採用にする（1件）").click()
    await expect(officer.get_by_label("応募者に通知する文面")).not_to_be_empty()
    await _post(officer, "残りの応募者を不採用にする")
    await expect(officer.get_by_role("status")).to_contain_text("不採用")
    columns = await officer.locator(".board .col h3").all_inner_texts()
    assert columns and all(t.split("（")[0] in ("任用", "不採用", "取下げ") for t in columns), columns
    await expect(officer.locator("summary", has_text="残りの応募者をまとめて")).to_have_count(0)

    # ---------------------------------------------------------------- readiness, costs, the claim
    await officer.goto(appointment_url)
    await officer.get_by_label("確認の内容").fill("期待する役割を庁議で共有した")
    await _post(officer, "確認を記録する")
    await expect(officer.get_by_text("確認済み：期待する役割を庁議で共有した")).to_be_visible()
    # a periodic activity review (R-READY item 6, recurring): listed with its time in JST
    await officer.get_by_label("活動の確認結果").fill("着任後の活動を本人・所管課と確認した")
    await _post(officer, "活動確認として記録する")
    reviews = officer.get_by_role("table", name="定期の活動確認")
    await expect(reviews).to_contain_text("第1回")
    await expect(reviews).to_contain_text("令和")
    await expect(officer.get_by_text("直近の確認の内容：着任後の活動を本人・所管課と確認した")).to_be_visible()
    await officer.get_by_label("金額（円）").fill("300000")
    await _post(officer, "経費を記録する")
    await expect(officer.locator("td.num").first).to_have_text("300,000円")
    await tour.check(officer, "08_appointment")
    await officer.get_by_role("link", name="の特別交付税申請へ").click()
    await _post(officer, "今の記録で申請案を作成する")
    # the claim workflow drafts after its settling second; the page refreshes itself (htmx)
    await expect(officer.locator("main")).to_contain_text("申請案作成済み", timeout=30_000)
    await expect(officer.get_by_role("heading", name="計算の内訳と理由")).to_be_visible()
    await tour.check(officer, "09_claim")
    claim_url = officer.url.split("?")[0]
    await approver.goto(claim_url)
    await _post(approver, "申請案を承認する")
    await expect(approver.locator("main")).to_contain_text("承認済み（提出待ち）")
    await officer.goto(claim_url)
    await _post(officer, "提出を記録する")
    await expect(officer.locator("main")).to_contain_text("提出済み")

    # ---------------------------------------------------------------- the auditor
    auditor = await sign_in(browser, site, "kansa")
    await auditor.get_by_role("link", name="監査").click()
    await tour.check(auditor)
    campaign_id = campaign_url.rsplit("/", 1)[1]
    await auditor.get_by_role("link", name=f"経過を見る 募集 {campaign_id}").click()
    timeline = auditor.locator("ol.timeline")
    for label in ("役割定義", "役割の承認", "募集公開", "応募受付", "内定の承認", "任用"):
        await expect(timeline).to_contain_text(label)
    await expect(timeline).to_contain_text("承認者（CIO・首長）")
    await expect(timeline).to_contain_text("令和")
    await expect(auditor.locator("button, input[type=submit]").filter(
        has_text="承認").or_(auditor.get_by_role("button", name="公開する"))).to_have_count(0)
    now = datetime.now(JST)
    await auditor.get_by_label("時点（日本時間）").fill((now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    await auditor.get_by_label("比較する時点（任意）").fill((now + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"))
    await _post(auditor, "表示する")
    await expect(auditor.get_by_text("件のイベントから再現")).to_be_visible()
    await expect(auditor.locator("h3", has_text="の違い")).to_be_visible()
    await tour.check(auditor, "10_audit_timeline")
    await auditor.get_by_role("link", name="← 監査").click()
    await auditor.get_by_role("button", name="記録を検証する").click()
    await expect(auditor.locator("#verify-result")).to_contain_text("記録の改ざんはありません")
    # checkpoint status: none yet, then signed (when, up to which position, signature valid)
    checkpoint = auditor.get_by_role("table", name="最新のチェックポイント")
    await expect(checkpoint).to_have_count(0)
    await _post(auditor, "チェックポイントに署名する")
    await expect(auditor.get_by_role("status")).to_contain_text("チェックポイントの署名")
    await expect(checkpoint).to_contain_text("令和")
    await expect(checkpoint).to_contain_text("件目まで")
    await expect(checkpoint).to_contain_text("有効（この記録の鍵で署名されています）")
    await _post(auditor, "チェックポイントと照合する")
    await expect(checkpoint).to_contain_text("記録はチェックポイントから改ざんなく続いています")
    await tour.check(auditor)
    appointment_id = appointment_url.rsplit("/", 1)[1]
    await auditor.get_by_role("link", name=f"経過を見る 任用 {appointment_id}").click()
    await expect(auditor.locator("ol.timeline")).to_contain_text("経費の記録")
    await tour.check(auditor)
    await auditor.get_by_role("link", name="任用の記録一式を書き出す（HTML）").click()
    await expect(auditor.locator("body")).to_contain_text(APPLICANTS[0])

    # ---------------------------------------------------------------- home pages, photographed
    await officer.goto(site.base + "/ui/home")
    await tour.check(officer, "03_home_officer")
    await officer.goto(site.base + "/ui/notifications")
    await tour.check(officer, "11_notifications")
    await approver.goto(site.base + "/ui/home")
    await tour.check(approver)
    for page in (officer, approver, auditor):
        await page.context.close()
    assert tour.violations == [], tour.violations
