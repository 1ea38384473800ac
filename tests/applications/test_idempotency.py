"""`Idempotency-Key`: the clerk who double-clicks gets the first answer, and nothing happens twice."""

import pytest

from apps.applications.models import Application, Event, Visit
from tests.helpers import APPLY, apply_online, post

pytestmark = pytest.mark.django_db


def test_a_repeated_create_returns_the_first_response_and_creates_nothing(as_user, citizen, item):
    client = as_user(citizen)
    body = {"service_item": item.code, "channel": "online", "delivery_method": "electronic"}
    first = client.post(APPLY, body, format="json", headers={"Idempotency-Key": "k-1"})
    second = client.post(APPLY, body, format="json", headers={"Idempotency-Key": "k-1"})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Application.objects.count() == 1
    third = client.post(APPLY, body, format="json", headers={"Idempotency-Key": "k-2"})
    assert third.json()["id"] != first.json()["id"]


def test_a_repeated_action_replays_instead_of_answering_409(as_user, citizen, clerk, item):
    app = apply_online(as_user(citizen), item)
    first = post(as_user(clerk), app["id"], "accept", **{"Idempotency-Key": "accept-1"})
    again = post(as_user(clerk), app["id"], "accept", **{"Idempotency-Key": "accept-1"})
    assert first.status_code == again.status_code == 200
    assert again.json()["status"] == "accepted"
    assert Event.objects.filter(application_id=app["id"], action="accepted").count() == 1
    assert post(as_user(clerk), app["id"], "accept").status_code == 409


def test_keys_belong_to_one_user_and_one_request(as_user, citizen, clerk, item):
    app = apply_online(as_user(citizen), item)
    post(as_user(clerk), app["id"], "visits", {"purpose": "consult"}, **{"Idempotency-Key": "v"})
    post(as_user(clerk), app["id"], "visits", {"purpose": "consult"}, **{"Idempotency-Key": "v"})
    assert Visit.objects.count() == 1
    reused = post(as_user(clerk), app["id"], "accept", **{"Idempotency-Key": "v"})
    assert reused.status_code == 400
    assert post(as_user(clerk), app["id"], "accept", **{"Idempotency-Key": "x" * 101}).status_code == 400


def test_a_failed_request_stores_nothing_and_can_be_retried_with_its_key(as_user, citizen, clerk, item):
    app = apply_online(as_user(citizen), item)
    failed = post(as_user(clerk), app["id"], "reject", {"reason": ""}, **{"Idempotency-Key": "r"})
    assert failed.status_code == 400
    retried = post(as_user(clerk), app["id"], "reject", {"reason": "材料虚假"}, **{"Idempotency-Key": "r"})
    assert retried.status_code == 200 and retried.json()["status"] == "rejected"
