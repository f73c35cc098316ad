"""Static checks of docker-compose.yml (PyYAML): shape, health, ordering, no secrets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
LEAVES = {"temporal-db", "eventstore-db"}  # databases depend on nothing
SECRET_KEY = re.compile(r"(PASSWORD|PWD|SECRET|KEY|TOKEN)", re.I)
INTERPOLATED = re.compile(r"^\$\{[A-Z0-9_]+(:?[?-][^}]*)?\}$")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): str(v) for k, v in env.items()}


def test_every_service_has_an_image_or_build_and_a_healthcheck(compose):
    services = compose["services"]
    assert {"temporal", "temporal-ui", "temporal-db", "eventstore-db", "api", "worker"} <= set(services)
    for name, svc in services.items():
        assert "image" in svc or "build" in svc, f"{name}: neither image nor build"
        assert svc.get("healthcheck", {}).get("test"), f"{name}: no healthcheck"


def test_every_non_leaf_service_waits_for_its_dependencies_with_conditions(compose):
    services = compose["services"]
    for name, svc in services.items():
        if name in LEAVES:
            assert "depends_on" not in svc, f"{name} is a leaf"
            continue
        deps = svc.get("depends_on")
        assert isinstance(deps, dict) and deps, f"{name}: depends_on with conditions required"
        for dep, spec in deps.items():
            assert dep in services, f"{name} depends on unknown service {dep}"
            assert spec.get("condition") in {"service_healthy", "service_completed_successfully"}


def test_temporal_persists_in_postgresql_and_the_event_store_has_its_own_database(compose):
    s = compose["services"]
    assert s["temporal"]["image"].startswith("temporalio/auto-setup")
    assert _env(s["temporal"])["DB"].startswith("postgres")
    assert _env(s["temporal"])["POSTGRES_SEEDS"] == "temporal-db"
    assert s["temporal-ui"]["image"].startswith("temporalio/ui")
    assert "eventstore-db:5432" in _env(s["api"])["NINYO_DATABASE_URL"]
    assert _env(s["api"])["NINYO_DATABASE_URL"] == _env(s["worker"])["NINYO_DATABASE_URL"]


def test_worker_scales_out_and_api_and_worker_share_the_built_image(compose):
    worker = compose["services"]["worker"]
    assert "container_name" not in worker
    assert "ports" not in worker, "a fixed host port would break --scale worker=N"
    assert worker.get("build") and compose["services"]["api"].get("build")
    assert (ROOT / "Dockerfile").exists()


def test_no_literal_secrets_in_the_file(compose):
    for name, svc in compose["services"].items():
        for key, value in _env(svc).items():
            if SECRET_KEY.search(key):
                assert INTERPOLATED.match(value), f"{name}.{key} holds a literal value"
            # credentials embedded in URLs must be interpolated too
            for user_pass in re.findall(r"://[^:/@]+:([^@]+)@", value):
                assert INTERPOLATED.match(user_pass), f"{name}.{key} embeds a password"
        if svc.get("build"):
            assert svc.get("env_file") in (".env", [".env"]), f"{name}: secrets via env_file .env"


def test_env_example_holds_placeholders_only_and_env_is_ignored():
    example = (ROOT / ".env.example").read_text()
    values = dict(
        line.split("=", 1) for line in example.splitlines() if line and not line.startswith("#")
    )
    for key, value in values.items():
        if SECRET_KEY.search(key):
            assert value in ("change-me", "REPLACE_WITH_BASE64_32_BYTES"), key
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()
    # every variable the compose file interpolates is documented in .env.example
    text = "\n".join(
        line.split("#", 1)[0] for line in (ROOT / "docker-compose.yml").read_text().splitlines()
    )
    used = set(re.findall(r"\$\{([A-Z0-9_]+)", text))
    assert used <= set(values), used - set(values)
