"""Issue 10 point 1, checked statically (no docker here): Temporal's frontend speaks
mutual TLS to every service, and the Web UI is not published without authentication."""

from __future__ import annotations

import pytest

from tests.api.test_compose import ROOT, _env, compose  # noqa: F401 - the fixture

CLIENTS = ("api", "worker", "migrate", "temporal-setup", "temporal-ui")


def test_the_frontend_requires_client_certificates(compose):  # noqa: F811
    env = _env(compose["services"]["temporal"])
    assert env["TEMPORAL_TLS_REQUIRE_CLIENT_AUTH"] == "true"
    for name in ("TEMPORAL_TLS_FRONTEND_CERT", "TEMPORAL_TLS_FRONTEND_KEY",
                 "TEMPORAL_TLS_CLIENT1_CA_CERT"):
        assert env.get(name), name
    assert "--tls_cert_path" in str(compose["services"]["temporal"]["healthcheck"]["test"])


@pytest.mark.parametrize("name", CLIENTS)
def test_every_client_of_the_frontend_presents_a_certificate(compose, name):  # noqa: F811
    svc = compose["services"][name]
    env = _env(svc)
    certs = [k for k, v in env.items() if "TLS" in k and ("CERT" in k or "client" in v)]
    assert certs, f"{name} has no client certificate"
    assert any(str(v).endswith(":/tls:ro") for v in svc.get("volumes", [])), name


def test_ninyo_connects_with_mutual_tls_when_configured(tmp_path):
    from ninyo.settings import Settings
    from workflows.client import tls_config

    for f in ("ca.pem", "client.pem", "client.key"):
        (tmp_path / f).write_bytes(b"pem")
    s = Settings(temporal_tls_ca=tmp_path / "ca.pem", temporal_tls_cert=tmp_path / "client.pem",
                 temporal_tls_key=tmp_path / "client.key", temporal_tls_server_name="temporal")
    tls = tls_config(s)
    assert tls.client_cert == b"pem" and tls.client_private_key == b"pem"
    assert tls.domain == "temporal"
    assert tls_config(Settings()) is False


def test_the_web_ui_requires_a_login_and_is_not_published_beyond_the_host(compose):  # noqa: F811
    ui = compose["services"]["temporal-ui"]
    env = _env(ui)
    assert env["TEMPORAL_AUTH_ENABLED"] == "true"
    for name in ("TEMPORAL_AUTH_PROVIDER_URL", "TEMPORAL_AUTH_CLIENT_ID",
                 "TEMPORAL_AUTH_CLIENT_SECRET"):
        assert ":?" in env[name], f"{name} must be required"
    for port in ui.get("ports", []):
        assert str(port).startswith("127.0.0.1:"), port
    assert (ROOT / "ops" / "tls" / "make-certs.sh").exists()
