"""Browser helpers: axe-core on every page, screenshots for docs/screens/."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# ``make screens`` (NINYO_SCREENS=1) writes the README's screenshots into docs/screens/;
# a plain test run takes them too, into a temporary folder, so running the suite never
# leaves changed PNGs in a developer's work tree.
DOCS_SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"
SCREENS = DOCS_SCREENS if os.environ.get("NINYO_SCREENS") else \
    Path(tempfile.gettempdir()) / "ninyo-screens"
SEVERE = ("serious", "critical")


async def axe_check(page) -> list[dict]:
    """axe-core's serious or critical violations of the page as it is now."""
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(page)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:3], "url": page.url}
        for v in results.response["violations"] if v.get("impact") in SEVERE
    ]


class Tour:
    """Collects axe findings of every page visited; writes named screenshots."""

    def __init__(self) -> None:
        self.violations: list[dict] = []
        self.checked: list[str] = []

    async def check(self, page, screenshot: str | None = None) -> None:
        self.violations += await axe_check(page)
        self.checked.append(page.url)
        if screenshot:
            SCREENS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(SCREENS / f"{screenshot}.png"), full_page=True)
