"""Two people acting on the same thing at the same moment: exactly one wins, the other gets 409."""

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from apps.applications.models import Event, Step
from tests.factories import UserFactory
from tests.helpers import url

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL"),
]


def at_the_same_moment(*requests):
    """Run each callable in its own thread and connection, released together; return their results."""
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def run(i, request):
        try:
            barrier.wait()
            results[i] = request()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def signed_in(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_two_approvers_approving_the_same_step_exactly_one_succeeds(accepted_application, approver, department, item):
    second_approver = UserFactory(username="approver-b", role="approver", department=department, id_number="")
    app = accepted_application
    step = Step.objects.get(application=app, status="active")
    path = url(app.pk, f"steps/{step.pk}/approve")
    codes = sorted(response.status_code for response in at_the_same_moment(
        lambda: signed_in(approver).post(path, {"comment": "A"}, format="json"),
        lambda: signed_in(second_approver).post(path, {"comment": "B"}, format="json")))
    assert codes == [200, 409]
    assert Event.objects.filter(application=app, action="step_approved").count() == 1
    assert Step.objects.filter(application=app, status="active").count() == 1


def test_a_double_clicked_create_with_one_key_creates_one_application(citizen, item):
    body = {"service_item": item.code, "channel": "online", "delivery_method": "electronic"}
    responses = at_the_same_moment(*[
        lambda: signed_in(citizen).post("/api/v1/applications/", body, format="json",
                                        headers={"Idempotency-Key": "same"}) for _ in range(3)])
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
