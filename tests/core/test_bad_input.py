"""Whatever a client sends, the answer is a clear 4xx, never a 500."""

import pytest
from django.utils import timezone

from tests.factories import ServiceItemFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("body", ["[" * 100_000 + "]" * 100_000, "{", "null", "\x00\x01", '"just a string"'])
def test_malformed_json_is_a_400(api_client, body):
    response = api_client.post("/api/v1/auth/token/", data=body, content_type="application/json")
    assert response.status_code == 400


def test_an_unsupported_media_type_is_415(api_client):
    response = api_client.post("/api/v1/auth/token/", data="<xml/>", content_type="application/xml")
    assert response.status_code == 415


def test_ids_in_a_body_too_large_for_the_database_are_400(as_clerk_and_application):
    client, app_id = as_clerk_and_application
    huge = 10**30
    response = client.post(f"/api/v1/applications/{app_id}/request-correction/",
                           {"items": [{"material": huge, "problem": "x"}]}, format="json")
    assert response.status_code == 400
    assert client.post(f"/api/v1/applications/{app_id}/visits/", {"purpose": "consult", "window": huge},
                       format="json").status_code == 400


@pytest.fixture
def as_clerk_and_application(api_client, make_application, clerk):
    app = make_application(submitted_at=timezone.now())
    api_client.force_authenticate(clerk)
    return api_client, app.pk


def test_nul_characters_in_form_data_are_a_400(api_client):
    citizen = UserFactory(username="citizen-nul")
    item = ServiceItemFactory()
    api_client.force_authenticate(citizen)
    response = api_client.post("/api/v1/applications/", {
        "service_item": item.code, "channel": "online", "delivery_method": "electronic",
        "form_data": {"name": "a\u0000b"}}, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("form_data", ['{"name": "\\ud800"}', '{"\\udfff": "x"}', '{"a": ["ok", {"b": "\\ud800x"}]}'])
def test_a_lone_surrogate_in_form_data_is_a_400(api_client, form_data):
    """A value or a key with half a UTF-16 pair cannot be stored (PostgreSQL refuses it in jsonb)."""
    citizen = UserFactory(username="citizen-surrogate")
    api_client.force_authenticate(citizen)
    code = ServiceItemFactory().code
    body = (f'{{"service_item": "{code}", "channel": "online", "delivery_method": "electronic", '
            f'"form_data": {form_data}}}')
    response = api_client.post("/api/v1/applications/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "form_data" in response.json()


@pytest.mark.parametrize("path", [
    "/api/v1/service-items/?search=a%00b", "/api/v1/service-items/?department=%00",
    "/api/v1/applications/?tracking_number=%00", "/api/v1/applications/?service_item=%00",
    "/api/v1/applications/?department=%00&status=%00&flag=%00", "/api/v1/track/A%00B/?code=%00",
    "/api/v1/service-items/%00/",
])
def test_nul_characters_in_a_url_never_reach_the_database(api_client, path):
    api_client.force_authenticate(UserFactory(username="nul-reader"))
    assert api_client.get(path).status_code == 400


def test_a_format_the_endpoint_does_not_have_is_a_400_naming_the_formats(api_client):
    api_client.force_authenticate(UserFactory(username="format-asker", role="manager", id_number=""))
    response = api_client.get("/api/v1/stats/overview/", {"format": "pdf"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"format": ["Use one of: json, api, csv, xlsx."]}
    assert api_client.get("/api/v1/stats/overview/", {"format": "csv"}).status_code == 200
