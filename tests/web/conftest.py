"""Fixtures of the browser tests: the whole product on a real port, and Debian's chromium.

One session: a fresh PostgreSQL database, a Temporal dev server with the worker
in-process, the FastAPI application (API + screens) served by uvicorn on a free port in
this event loop, the accounts of the test (officers of two municipalities, an approver,
an auditor, an admin) and one chromium driven by Playwright (``executable_path`` points
at Debian's ``/usr/bin/chromium``: Playwright's own browser download cannot be used).
"""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from pydantic import SecretStr

import eventstore
from api.main import build_store_kwargs, create_app
from eventstore.migrate import upgrade
from ninyo.settings import Settings
from tests import pg

OWN = "062049"
OTHER = "072010"
PASSWORD = "correct horse battery staple"
CHROMIUM = os.environ.get("NINYO_CHROMIUM", "/usr/bin/chromium")
USERS = {
    "tanaka": ("hr_officer", [OWN], "田中 人事係長"),
    "fukushi": ("approver", [OWN], "福士 副市長"),
    "kansa": ("auditor", [OWN], "監 査子"),
    "yoso": ("hr_officer", [OTHER], "余所 職員"),
    "locked": ("hr_officer", [OWN], "施錠 太郎"),
    "root": ("admin", [], "管理 者"),
}


def _b64key() -> SecretStr:
    return SecretStr(base64.b64encode(os.urandom(32)).decode())


@dataclass
class Site:
    base: str
    settings: Settings
    accounts: object
    client: object = None  # temporalio.client.Client


@pytest.fixture(scope="session")
def web_settings() -> Settings:
    from tests.temporal_env import TEST_PAYLOAD_KEY

    pg.check_reachable()
    url = pg.create_database("ninyo_web")
    upgrade(url)
    yield Settings(
        database_url=url, jwt_secret=_b64key(), checkpoint_signing_key=_b64key(),
        data_master_key=_b64key(),
        payload_key=SecretStr(base64.b64encode(TEST_PAYLOAD_KEY).decode()),
        temporal_address="127.0.0.1:1", log_level="WARNING",
    )
    pg.drop_database(url)


@pytest.fixture(scope="session")
async def site(web_settings) -> AsyncIterator[Site]:
    import uvicorn
    from temporalio.worker import Worker

    from activities.notifications import OutboxNotifier
    from tests.temporal_env import dev_server_env, free_port
    from workflows.registry import WORKFLOWS, activities

    store = await eventstore.from_settings(web_settings, **build_store_kwargs())
    async with dev_server_env() as env:
        notifier = OutboxNotifier.from_url(web_settings.database_url)
        worker = Worker(env.client, task_queue=web_settings.task_queue, workflows=WORKFLOWS,
                        activities=activities(store=store, notifier=notifier, client=env.client))
        async with worker:
            settings = web_settings
            app = create_app(settings, store=store, client=env.client)
            port = free_port()
            server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                                   log_level="warning", lifespan="on"))
            task = asyncio.create_task(server.serve())
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.02)  # startup handshake, not a test wait
            from web.core import accounts_of

            accounts = accounts_of(app)
            for name, (role, munis, display) in USERS.items():
                await accounts.add(name, PASSWORD, role, munis, display)
            yield Site(base=f"http://127.0.0.1:{port}", settings=settings, accounts=accounts,
                       client=env.client)
            server.should_exit = True
            await task
        await notifier.close()
    await store.close()


@pytest.fixture(scope="session")
async def browser():
    from playwright.async_api import async_playwright

    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk")
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-dev-shm-usage", "--lang=ja"])
        yield b
        await b.close()


async def sign_in(browser, site: Site, username: str, password: str = PASSWORD):
    """A fresh browser context (own cookies) signed in as ``username``; returns the page."""
    context = await browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo",
                                        viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.goto(site.base + "/")
    await page.get_by_label("ユーザー名").fill(username)
    await page.get_by_label("パスワード").fill(password)
    await page.get_by_role("button", name="サインイン").click()
    await page.wait_for_load_state()
    return page
