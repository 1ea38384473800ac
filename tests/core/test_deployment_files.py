"""docker-compose.yml, the Dockerfile and Procfile.stack describe the same production topology (Docker does
not run here, so the files are read and checked, not started)."""

import re
from pathlib import Path

import pytest
import yaml

from apps.core.processes import read_procfile

ROOT = Path(__file__).resolve().parents[2]
LONG_RUNNING = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_services_of_the_stack(compose):
    assert set(compose["services"]) == {"db", "redis", "migrate", "web", "worker", "beat"}


def test_no_fallback_secret_the_stack_refuses_to_start_without_one(compose):
    text = (ROOT / "docker-compose.yml").read_text()
    assert "change-me" not in text
    for name in ("migrate", *LONG_RUNNING):
        env = compose["services"][name]["environment"]
        assert re.fullmatch(r"\$\{DJANGO_SECRET_KEY:\?[^}]+\}", env["DJANGO_SECRET_KEY"])
        assert re.fullmatch(r"\$\{AUDIT_KEY:\?[^}]+\}", env["AUDIT_KEY"])
        assert env["DJANGO_DEBUG"] == "false"
    assert ":?" in compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"]


def test_one_migration_step_that_the_others_wait_for(compose):
    migrate = compose["services"]["migrate"]
    assert "manage.py migrate" in migrate["command"]
    assert migrate["restart"] == "no"
    for name in LONG_RUNNING:
        depends = compose["services"][name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}
        assert depends["db"] == {"condition": "service_healthy"}
        assert depends["redis"] == {"condition": "service_healthy"}
        assert "manage.py migrate" not in compose["services"][name]["command"]


def test_demo_data_only_when_asked(compose):
    for name, service in compose["services"].items():
        command = service.get("command", "")
        if "seed_demo" in command:
            assert name == "migrate"
            assert re.search(r'if \[ "\$\$DEMO" = "1" \]; then python manage.py seed_demo; fi', command)
    assert compose["services"]["migrate"]["environment"]["DEMO"] == "${DEMO:-0}"


def test_restart_policies_and_health_checks(compose):
    services = compose["services"]
    for name in ("db", "redis", *LONG_RUNNING):
        assert services[name]["restart"] == "unless-stopped"
    for name in ("db", "redis", "web", "worker"):
        assert services[name]["healthcheck"]["test"], name
    assert any("/readyz" in part for part in services["web"]["healthcheck"]["test"])
    assert "inspect ping" in " ".join(services["worker"]["healthcheck"]["test"])


def test_web_runs_gunicorn_and_beat_the_database_scheduler(compose):
    assert "gunicorn govservice.wsgi:application" in compose["services"]["web"]["command"]
    assert "django_celery_beat.schedulers:DatabaseScheduler" in compose["services"]["beat"]["command"]


def test_the_image_runs_as_a_user_without_privileges():
    users = re.findall(r"^USER\s+(\S+)", (ROOT / "Dockerfile").read_text(), flags=re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}


def test_make_stack_starts_the_same_processes():
    specs = {spec.name: spec.command for spec in read_procfile(ROOT / "Procfile.stack")}
    assert set(specs) == set(LONG_RUNNING)
    assert "gunicorn govservice.wsgi:application" in specs["web"]
    assert "celery -A govservice worker" in specs["worker"]
    assert "django_celery_beat.schedulers:DatabaseScheduler" in specs["beat"]
