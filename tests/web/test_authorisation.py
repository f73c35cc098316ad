"""Authorisation through the browser: the screens refuse what the API refuses.

- an officer of another municipality gets 404 on the campaign's pages (no existence leak);
- the auditor's pages carry no write control, and a write the auditor forges (with its
  own valid CSRF token) is refused with 403 and records nothing;
- a POST without the CSRF token is refused, even from a signed-in officer;
- five wrong passwords lock the account: the right password is then refused too;
- a disabled account cannot sign in; sign-out ends the session.
axe-core checks the sign-in, error and admin pages too.
"""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.web.conftest import OWN, PASSWORD, sign_in
from tests.web.helpers import Tour

pytestmark = pytest.mark.slow

ROLE = {
    "muni_code": OWN, "muni_name": "酒田市", "muni_prefecture": "山形県", "muni_kind": "city",
    "muni_population": "98000", "title": "CIO補佐官", "persona": "producer",
    "duty_kind_0": "advice", "duty_text_0": "DX推進計画への助言", "initiatives": "bpr",
    "form": "special_part_time", "term_start": "2027-04-01", "term_end": "2028-03-31",
    "pay_amount": "300000", "pay_unit": "month", "days_per_month": "4",
    "req_importance_0": "required", "req_exam_0": "SA", "action": "define",
}


async def _campaign(site, browser) -> tuple[object, str]:
    """A campaign defined by the officer through the screens; returns (page, its URL)."""
    officer = await sign_in(browser, site, "tanaka")
    await officer.goto(site.base + "/ui/campaigns/new")
    campaign = await officer.get_by_label("募集番号").input_value()
    csrf = await officer.locator("input[name=csrf]").first.input_value()
    response = await officer.request.post(site.base + "/ui/campaigns/new",
                                          form={**ROLE, "campaign_id": campaign, "csrf": csrf})
    assert response.ok, await response.text()
    return officer, f"{site.base}/ui/c/{OWN}/{campaign}"


async def _csrf(page) -> str:
    return await page.locator("input[name=csrf]").first.input_value()


async def test_another_municipality_gets_404_and_the_auditor_writes_nothing(site, browser):
    tour = Tour()
    officer, url = await _campaign(site, browser)
    await officer.goto(url)
    await expect(officer.locator("h1")).to_contain_text("役割定義中")
    assert await officer.get_by_role("button", name="承認を申請する").count() == 1

    stranger = await sign_in(browser, site, "yoso")
    response = await stranger.goto(url)
    assert response.status == 404
    await expect(stranger.locator("h1")).to_have_text("見つかりません")
    await tour.check(stranger)
    for path in ("/posting", "/a/a1"):
        assert (await stranger.goto(url + path)).status == 404
    forged = await stranger.request.post(url + "/submit", form={"csrf": await _csrf(stranger)})
    assert forged.status == 404  # the officer's role may submit, but not another's campaign

    auditor = await sign_in(browser, site, "kansa")
    await auditor.goto(url)
    await expect(auditor.locator("h1")).to_contain_text("役割定義中")
    writes = auditor.locator("main form[method=post]")
    await expect(writes).to_have_count(0)
    await expect(auditor.get_by_text("この段階であなたが行う操作はありません")).to_be_visible()
    await expect(auditor.get_by_role("link", name="募集の作成")).to_have_count(0)
    await tour.check(auditor)
    for action in ("submit", "approve", "cancel", "close-out"):
        forged = await auditor.request.post(f"{url}/{action}",
                                            form={"csrf": await _csrf(auditor), "reason": "x"})
        assert forged.status == 403, (action, forged.status)
        assert "この操作の権限がありません" in await forged.text()
    forged = await auditor.request.post(site.base + "/ui/campaigns/new",
                                        form={**ROLE, "campaign_id": "forged",
                                              "csrf": await _csrf(auditor)})
    assert forged.status == 403
    await auditor.goto(url)
    await expect(auditor.locator("h1")).to_contain_text("役割定義中")  # nothing was recorded

    # a POST without the CSRF token is refused, even from the officer who may submit
    no_csrf = await officer.request.post(url + "/submit", form={})
    assert no_csrf.status == 403
    assert "確認用トークン" in await no_csrf.text()
    wrong = await officer.request.post(url + "/submit", form={"csrf": "not-the-token"})
    assert wrong.status == 403
    await officer.goto(url)
    await expect(officer.locator("h1")).to_contain_text("役割定義中")
    for page in (officer, stranger, auditor):
        await page.context.close()
    assert tour.violations == [], tour.violations


async def test_lock_out_disable_and_sign_out(site, browser):
    tour = Tour()
    context = await browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    page = await context.new_page()
    await page.goto(site.base + "/")
    await expect(page.get_by_role("heading", name="サインイン")).to_be_visible()
    await tour.check(page, "01_signin")
    for _ in range(5):
        await page.get_by_label("ユーザー名").fill("locked")
        await page.get_by_label("パスワード").fill("wrong password!")
        await page.get_by_role("button", name="サインイン").click()
        await expect(page.get_by_role("alert")).to_contain_text("ロックされます")
    await tour.check(page)
    # locked: the right password is refused as well, with the same answer
    await page.get_by_label("ユーザー名").fill("locked")
    await page.get_by_label("パスワード").fill(PASSWORD)
    await page.get_by_role("button", name="サインイン").click()
    await expect(page.get_by_role("alert")).to_contain_text("アカウントが使えません")
    assert (await page.goto(site.base + "/ui/home")).url.rstrip("/") == site.base
    account = await site.accounts.get("locked")
    assert account.locked_until is not None

    # a sign-in POST without the form's token is refused
    response = await context.request.post(site.base + "/signin",
                                          form={"username": "tanaka", "password": PASSWORD})
    assert response.status == 403
    await context.close()

    # the admin disables an account through the screens; it can no longer sign in
    admin = await sign_in(browser, site, "root")
    await expect(admin.get_by_role("heading", name="管理：アカウント")).to_be_visible()
    await admin.get_by_label("ユーザー名").fill("tempuser")
    await admin.get_by_label("団体コード（複数はカンマ区切り）").fill(OWN)
    await admin.get_by_role("button", name="追加する").click()
    password = await admin.locator("#new-password").inner_text()
    await tour.check(admin, "12_admin")
    temp = await sign_in(browser, site, "tempuser", password)
    await expect(temp.get_by_role("heading", name="ホーム：自分の仕事")).to_be_visible()
    await admin.get_by_role("button", name="無効にする tempuser").click()
    await expect(admin.locator("tr", has_text="tempuser")).to_contain_text("無効")
    await temp.reload()  # its session ended with the account
    await expect(temp.get_by_role("heading", name="サインイン")).to_be_visible()
    again = await sign_in(browser, site, "tempuser", password)
    await expect(again.get_by_role("alert")).to_be_visible()

    # sign-out ends the session: the old cookie no longer opens a page
    officer = await sign_in(browser, site, "tanaka")
    cookies = await officer.context.cookies()
    session = next(c for c in cookies if c["name"] == "ninyo_session")
    assert session["httpOnly"] and session["sameSite"] == "Lax"
    await officer.get_by_role("button", name="サインアウト").click()
    await expect(officer.get_by_role("heading", name="サインイン")).to_be_visible()
    await officer.context.add_cookies([session])
    await officer.goto(site.base + "/ui/home")
    await expect(officer.get_by_role("heading", name="サインイン")).to_be_visible()
    for p in (admin, temp, again, officer):
        await p.context.close()
    assert tour.violations == [], tour.violations
