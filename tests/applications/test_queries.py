"""List and detail cost a fixed number of queries, whatever the number of steps, materials or events."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory

from apps.applications import selectors, services
from apps.applications.api.serializers import ApplicationDetailOutputSerializer
from apps.catalog.models import StepTemplate
from apps.catalog.services import publish_item
from tests.factories import ServiceItemFactory, hand_in_materials
from tests.helpers import PDF, apply_at_window, apply_online, at, url

pytestmark = pytest.mark.django_db

DETAIL_QUERIES = 10
# SQLite: the day's counter row. The last insert tells the figures' daily rollup the application changed.
SUBMISSION_QUERIES = 14 if connection.vendor == "postgresql" else 18


def busy_application(make_application, citizen, clerk, department, code, steps):
    item = ServiceItemFactory(code=code, department=department, promised_limit_days=steps, legal_limit_days=20)
    item.steps.all().delete()
    for order in range(1, steps + 1):
        StepTemplate.objects.create(item=item, order=order, name=f"环节{order}", allotted_days=1)
    publish_item(item=item)
    app = make_application(item=item, submitted_at=at(2026, 11, 2, 9))
    for material in item.current_version.materials.all():
        services.upload_material(application_id=app.pk, actor=citizen, material_id=material.pk,
                                 upload=SimpleUploadedFile("a.pdf", PDF), now=at(2026, 11, 2, 9, 30))
    hand_in_materials(app, clerk, at(2026, 11, 2, 10))
    services.accept_application(application_id=app.pk, actor=clerk, now=at(2026, 11, 2, 10))
    for _ in range(steps - 1):
        step = app.steps.get(status="active")
        services.approve_step(application_id=app.pk, step_id=step.pk, actor=None, comment="", now=at(2026, 11, 3))
    return app


def count_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_detail_and_list_queries_do_not_grow(settings, tmp_path, make_application, as_user, citizen, clerk, manager,
                                             department):
    settings.MEDIA_ROOT = tmp_path
    small = busy_application(make_application, citizen, clerk, department, "000900000001", steps=1)
    large = busy_application(make_application, citizen, clerk, department, "000900000002", steps=8)
    client = as_user(manager)
    assert count_queries(client, url(small.pk)) == count_queries(client, url(large.pk))
    list_with_two = count_queries(client, "/api/v1/applications/")
    for i in range(3):
        busy_application(make_application, citizen, clerk, department, f"00090000001{i}", steps=3)
    assert count_queries(client, "/api/v1/applications/") == list_with_two
    assert count_queries(client, url(large.pk)) <= 16


# The number of queries of each hot endpoint, pinned: a change that adds one fails here, and says which.
# Measured with a warm working-day calendar (it is reloaded once a minute at most, not per request).


def warm_calendar():
    from apps.workdays.calendar import add_workdays

    add_workdays(at(2026, 11, 2).date(), 1)


def test_public_tracking_costs_two_queries(make_application, api_client, citizen, clerk, department,
                                           django_assert_num_queries):
    app = busy_application(make_application, citizen, clerk, department, "000900000001", steps=3)
    warm_calendar()
    with django_assert_num_queries(2):  # the application with its item's name and current step, the timeline
        response = api_client.get(f"/api/v1/track/{app.tracking_number}/", {"code": app.verification_code})
    assert response.status_code == 200


def test_a_citizens_own_application_costs_a_fixed_number_of_queries(make_application, settings, tmp_path, as_user,
                                                                     citizen, clerk, department,
                                                                     django_assert_num_queries):
    settings.MEDIA_ROOT = tmp_path
    app = busy_application(make_application, citizen, clerk, department, "000900000001", steps=3)
    warm_calendar()
    client = as_user(citizen)
    with django_assert_num_queries(DETAIL_QUERIES):
        assert client.get(url(app.pk)).status_code == 200


def test_a_managers_first_page_costs_a_fixed_number_of_queries(make_application, settings, tmp_path, as_user,
                                                               citizen, clerk, department, district_manager,
                                                               django_assert_num_queries):
    settings.MEDIA_ROOT = tmp_path
    for i in range(3):
        busy_application(make_application, citizen, clerk, department, f"00090000001{i}", steps=2)
    warm_calendar()
    client = as_user(district_manager)
    with django_assert_num_queries(2):  # the bounded count, the page with its related rows and visit counts
        response = client.get("/api/v1/applications/", {"status": "accepted", "department": department.code})
    assert response.json()["count"] == 3


def test_a_submission_costs_a_fixed_number_of_queries(as_user, citizen, item, django_assert_num_queries):
    warm_calendar()
    client = as_user(citizen)
    with django_assert_num_queries(SUBMISSION_QUERIES) as queries:
        response = client.post("/api/v1/applications/", {"service_item": item.code, "channel": "online",
                                                         "delivery_method": "electronic"}, format="json")
    assert response.status_code == 201
    item_read = queries.captured_queries[0]["sql"]  # its key only: the content comes from the current version
    assert item_read.startswith('SELECT "catalog_serviceitem"."id", "catalog_serviceitem"."code" FROM')


def test_a_submissions_answer_is_the_applications_detail(as_user, citizen, clerk, item):
    """The 201 skips reading the lists only later actions fill: it must equal what a read of the detail shows."""
    for client, submitted in ((as_user(citizen), apply_online(as_user(citizen), item)),
                              (as_user(clerk), apply_at_window(as_user(clerk), item, citizen))):
        assert submitted == client.get(url(submitted["id"])).json()
    assert submitted["visits"] and submitted["events"]  # the window's visit and the submission's event


def test_after_an_action_the_submission_detail_reads_every_list(settings, tmp_path, make_application, citizen,
                                                                clerk, manager, department):
    settings.MEDIA_ROOT = tmp_path
    app = busy_application(make_application, citizen, clerk, department, "000900000001", steps=2)
    services.suspend_application(application_id=app.pk, actor=manager, kind="inspection", reason="现场核查",
                                 now=at(2026, 11, 3, 10))
    request = APIRequestFactory().get("/")
    request.user = manager

    def shown(application):
        return ApplicationDetailOutputSerializer(application, context={"request": request}).data

    answer = shown(selectors.submitted_application_detail(manager, app.pk))
    assert answer == shown(selectors.application_detail(manager, app.pk).get())
    assert answer["steps"] and answer["materials"] and answer["received_materials"] and answer["suspensions"]
