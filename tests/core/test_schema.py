"""The schema documents the errors each operation really answers, in the shape they really have
(`apps.core.api.schema`); tests/core/test_schemathesis.py checks it against the running stack."""

import jsonschema
import pytest
from django.db import connection
from django.utils import timezone, translation
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from apps.accounts.models import Role
from tests.core.test_errors import refuse_every_query
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    with translation.override("en"):
        return SchemaGenerator().get_schema(request=None, public=True)


def responses(schema, method: str, path: str) -> dict:
    return schema["paths"][path][method]["responses"]


@pytest.mark.parametrize(("method", "path", "statuses"), [
    ("get", "/api/v1/auth/me/", {"200", "401", "503"}),
    ("post", "/api/v1/auth/token/", {"200", "400", "401", "413", "415", "429", "503"}),
    ("get", "/api/v1/service-items/", {"200", "400", "404", "503"}),  # public: no 401; a page past the last
    ("get", "/api/v1/track/{tracking_number}/", {"200", "400", "404", "429", "503"}),
    ("get", "/api/v1/applications/{id}/", {"200", "400", "401", "404", "503"}),  # no role is refused: 404
    ("post", "/api/v1/applications/", {"201", "400", "401", "403", "404", "413", "415", "503"}),
    ("post", "/api/v1/applications/{id}/accept/", {"200", "400", "401", "403", "404", "409", "503"}),
    ("get", "/api/v1/applications/{id}/visits/", {"200", "400", "401", "404", "503"}),
    ("get", "/api/v1/alerts/", {"200", "400", "401", "403", "404", "503"}),
    ("get", "/api/v1/drafts/{code}/", {"200", "400", "401", "403", "404", "503"}),
    ("get", "/api/v1/departments/{code}/assignees/", {"200", "400", "401", "403", "404", "503"}),
    ("get", "/api/v1/stats/overview/", {"200", "400", "401", "403", "503"}),
])
def test_each_operation_documents_the_errors_it_answers(schema, method, path, statuses):
    assert set(responses(schema, method, path)) == statuses


def test_errors_have_their_components_and_headers(schema):
    documented = responses(schema, "post", "/api/v1/auth/token/")
    assert documented["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationError"}
    assert documented["401"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert documented["401"]["headers"]["WWW-Authenticate"]["required"] is True
    assert documented["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
    assert documented["503"]["headers"]["Retry-After"]["required"] is True
    # A view's own description of an error stays; the body is added.
    not_found = responses(schema, "get", "/api/v1/service-items/{code}/")["404"]
    with translation.override("en"):
        assert str(not_found["description"]) == "No active item has this code."
    assert not_found["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_exports_downloads_and_ids_are_documented_as_they_are_served(schema):
    overview = responses(schema, "get", "/api/v1/stats/overview/")["200"]["content"]
    assert overview["application/json"]["schema"] == {"$ref": "#/components/schemas/Overview"}
    assert overview["text/csv"]["schema"] == {"type": "string", "format": "binary"}
    download = responses(schema, "get", "/api/v1/applications/{id}/materials/{material_pk}/")["200"]["content"]
    assert set(download) == {"application/pdf", "image/jpeg", "image/png"}
    parameters = schema["paths"]["/api/v1/applications/{id}/"]["get"]["parameters"]
    assert next(p for p in parameters if p["name"] == "id")["schema"]["type"] == "integer"


def validator(schema, component: str) -> jsonschema.Draft202012Validator:
    """A validator of one component, resolving its references within the schema's components."""
    return jsonschema.Draft202012Validator({"$ref": f"#/components/schemas/{component}",
                                            "components": schema["components"]})


def test_the_errors_the_api_answers_match_the_documented_shapes(schema, make_application, citizen, clerk, settings):
    application = make_application(submitted_at=timezone.now())
    as_citizen, as_clerk, anonymous = APIClient(), APIClient(), APIClient(raise_request_exception=False)
    as_citizen.force_authenticate(citizen)
    as_clerk.force_authenticate(clerk)
    manager = UserFactory(username="schema-manager", role=Role.MANAGER, id_number="")
    as_manager = APIClient()
    as_manager.force_authenticate(manager)
    nested = {"service_item": "000104002000", "channel": "window", "delivery_method": "mail",
              "applicant": {"name": "", "id_number": "1", "phone": "x"}, "form_data": []}
    with connection.execute_wrapper(refuse_every_query):
        down = anonymous.get("/api/v1/service-items/")
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    too_large = anonymous.post("/api/v1/auth/token/", {"username": "a" * 2000, "password": "x"}, format="json")
    answers = {
        400: [as_clerk.post("/api/v1/applications/", nested, format="json"),
              as_citizen.post("/api/v1/auth/token/", "{", content_type="application/json"),
              as_manager.get("/api/v1/stats/trend/", {"date_from": "no", "format": "csv"})],
        401: [anonymous.get("/api/v1/auth/me/")],
        403: [as_citizen.get("/api/v1/alerts/"), as_citizen.get("/api/v1/stats/overview/", {"format": "xlsx"})],
        404: [as_citizen.get("/api/v1/applications/999999/"), as_citizen.get("/api/v1/applications/?page=99")],
        413: [too_large],
        415: [as_citizen.post("/api/v1/auth/token/", "<xml/>", content_type="application/xml")],
        409: [as_citizen.post(f"/api/v1/applications/{application.pk}/resubmit/")],
        503: [down],
    }
    for status, answered in answers.items():
        component = "ValidationError" if status == 400 else "Error"
        for response in answered:
            assert response.status_code == status, response.content
            assert response["Content-Type"] == "application/json"
            validator(schema, component).validate(response.json())
