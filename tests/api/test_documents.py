"""GET /documents/{municipality}/{kind}: PDF or HTML by Accept, from the real PostgreSQL
log; the hash of what was served is recorded; other municipalities and roles refused."""

from __future__ import annotations

import hashlib

from tests.documents.conftest import M, pdf_text, seeded_campaign, write


async def test_documents_served_as_pdf_and_html_and_the_hash_recorded(http, tokens, store):
    await write(store, seeded_campaign().events)
    officer = tokens("hr_officer", M)
    r = await http.get(f"/documents/{M}/posting", params={"campaign": "c1"},
                       headers={**officer, "Accept": "application/pdf"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    sha = hashlib.sha256(r.content).hexdigest()
    assert r.headers["x-document-sha256"] == sha
    assert "酒田市 CIO補佐官 募集要項" in pdf_text(r.content)

    h = await http.get(f"/documents/{M}/audit", params={"campaign": "c1"},
                       headers={**tokens("auditor", M), "Accept": "text/html"})
    assert h.status_code == 200 and h.headers["content-type"].startswith("text/html")
    assert "監査記録" in h.text and "改ざんなし" in h.text

    issued = await store.read_stream(f"document:{M}:posting:c1")
    assert [e.data["sha256"] for e in issued] == [sha]
    assert issued[0].metadata["actor"] == "hr_officer-1"


async def test_documents_refuse_other_municipalities_roles_and_missing_subjects(http, tokens):
    r = await http.get(f"/documents/{M}/posting", params={"campaign": "c1"},
                       headers=tokens("hr_officer", "073024"))
    assert r.status_code == 404  # another municipality's documents do not exist for you
    r = await http.get(f"/documents/{M}/posting", params={"campaign": "c1"},
                       headers=tokens("approver", M))
    assert r.status_code == 403
    r = await http.get(f"/documents/{M}/offer", params={"campaign": "nope", "application": "a1"},
                       headers=tokens("hr_officer", M))
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = await http.get(f"/documents/{M}/bogus", headers=tokens("hr_officer", M))
    assert r.status_code == 422


async def test_cli_doc_writes_the_pdf_and_records_its_hash(api_settings, store, tmp_path):
    import asyncio
    import json

    from typer.testing import CliRunner

    from cli.main import app
    from ninyo.settings import get_settings

    if not await store.stream_version(f"recruitment:{M}:c1"):
        await write(store, seeded_campaign().events)
    env = {"NINYO_DATABASE_URL": api_settings.database_url,
           "NINYO_CHECKPOINT_SIGNING_KEY": api_settings.checkpoint_signing_key.get_secret_value(),
           "NINYO_DATA_MASTER_KEY": api_settings.data_master_key.get_secret_value()}
    out = tmp_path / "pledge.pdf"
    get_settings.cache_clear()
    try:
        res = await asyncio.to_thread(CliRunner().invoke, app, [
            "doc", "pledge", M, "--campaign", "c1", "--application", "a1", "--out", str(out)],
            env=env)
        missing = await asyncio.to_thread(CliRunner().invoke, app, [
            "doc", "rejection", M, "--campaign", "c1", "--application", "a1"], env=env)
    finally:
        get_settings.cache_clear()
    assert res.exit_code == 0, res.output
    printed = json.loads(res.stdout)
    assert printed["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert "誓約書" in pdf_text(out.read_bytes())
    issued = await store.read_stream(f"document:{M}:pledge:c1:a1")
    assert issued[-1].data["sha256"] == printed["sha256"]
    assert missing.exit_code == 1 and "not_found" in missing.stderr
