"""List and detail cost a fixed number of queries, whatever the number of steps, materials or events."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.applications import services
from apps.catalog.models import StepTemplate
from apps.catalog.services import publish_item
from tests.factories import ServiceItemFactory
from tests.helpers import PDF, at, url

pytestmark = pytest.mark.django_db


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
