"""Production settings: HTTPS on by default when DEBUG is off, each switch settable; `check --deploy` is clean."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

SHOW = ("import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'govservice.settings'); django.setup()\n"
        "from django.conf import settings as s\n"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)")


def production_env(**overrides):
    env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
           "AUDIT_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": "gov.example.cn", **overrides}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the tests' own switch; never set in production
    return env


def manage(*args, env):
    return subprocess.run([sys.executable, "manage.py", *args], env=env,  # noqa: S603  the test's own arguments
                          capture_output=True, text=True,
                          cwd=settings.BASE_DIR, timeout=120)


def python(code, *, env):
    return subprocess.run([sys.executable, "-c", code], env=env,  # noqa: S603  the test's own code
                          capture_output=True, text=True,
                          cwd=settings.BASE_DIR, timeout=120)


def test_check_deploy_is_clean_with_production_settings():
    run = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no issues" in run.stdout


def test_https_settings_are_on_without_debug_and_each_can_be_turned_off():
    run = python(SHOW, env=production_env())
    assert run.stdout.split() == ["True", "31536000", "True", "True"], run.stderr
    run = python(SHOW, env=production_env(
        DJANGO_SECURE_SSL_REDIRECT="false", DJANGO_SECURE_HSTS_SECONDS="0", DJANGO_SECURE_COOKIES="false"))
    assert run.stdout.split() == ["False", "0", "False", "False"], run.stderr


@pytest.mark.django_db
def test_pages_and_the_api_send_the_content_security_policy(client):
    for path in ("/", "/api/v1/service-items/"):
        policy = client.get(path)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
