"""Every API error is JSON in the error shape `{"detail": ...}`; a database outage is a 503 that passes."""

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory
from django.utils import translation
from rest_framework.test import APIClient

from apps.core.views import server_error
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_seeing_errors():
    """What a real client gets: the error response, not the exception the test client re-raises."""
    return APIClient(raise_request_exception=False)


def refuse_every_query(execute, sql, params, many, context):
    raise OperationalError("connection to server at \"127.0.0.1\", port 5432 failed: Connection refused")


def test_a_json_body_over_the_limit_is_a_json_413(client_seeing_errors, settings):
    body = '{"username": "' + "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + '", "password": "x"}'
    with translation.override("en"):  # and back afterwards: the middleware's choice must not outlive the test
        response = client_seeing_errors.post("/api/v1/auth/token/", data=body, content_type="application/json",
                                             HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}


def test_an_unknown_api_path_is_a_json_404(client_seeing_errors):
    with translation.override("en"):  # and back afterwards: the middleware's choice must not outlive the test
        response = client_seeing_errors.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_bad_host_on_the_api_is_a_json_400(client_seeing_errors):
    response = client_seeing_errors.get("/api/v1/service-items/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_a_server_error_on_the_api_is_json_and_on_a_page_html():
    for path, content_type in (("/api/v1/service-items/", "application/json"), ("/", "text/html")):
        request = RequestFactory().get(path)
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            response = server_error(request)
        assert response.status_code == 500
        assert response["Content-Type"].startswith(content_type)


def test_database_down_the_api_answers_503_json_with_retry_after_and_recovers(client_seeing_errors):
    with connection.execute_wrapper(refuse_every_query):
        response = client_seeing_errors.get("/api/v1/service-items/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "detail" in response.json()
    assert client_seeing_errors.get("/api/v1/service-items/").status_code == 200


def test_database_down_a_page_is_a_plain_503_page(client_seeing_errors):
    client_seeing_errors.force_login(UserFactory(username="staff", is_staff=True, is_superuser=True))
    with connection.execute_wrapper(refuse_every_query), translation.override("en"):
        response = client_seeing_errors.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "Briefly unavailable" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert client_seeing_errors.get("/admin/").status_code == 200


def test_database_down_outside_a_view_is_still_a_503():
    request = RequestFactory().get("/api/v1/applications/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503 and "Retry-After" in response
