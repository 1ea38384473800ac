"""The audit trail page's API and the whole-database check run in the background."""

import pytest
from rest_framework.test import APIClient

from apps.analytics.models import AuditCheck
from apps.analytics.services import run_audit_check
from apps.applications.models import Event
from tests.helpers import triggers_switched_off

pytestmark = pytest.mark.django_db


def _tamper(application):
    with triggers_switched_off():  # only the database's owner gets past the append-only triggers
        Event.objects.filter(application=application, seq=1).update(action="edited")


def test_an_applications_events_in_order_with_an_intact_chain(history, as_user, district_manager):
    a1 = history["a1"]
    body = as_user(district_manager).get(f"/api/v1/audit/applications/{a1.pk}/").json()
    assert body["intact"] is True and body["broken"] is None
    assert [e["seq"] for e in body["events"]] == list(range(1, len(body["events"]) + 1))
    assert body["events"][0]["action"] == "submitted"


def test_an_edited_event_breaks_the_chain(history, as_user, district_manager):
    a1 = history["a1"]
    _tamper(a1)
    body = as_user(district_manager).get(f"/api/v1/audit/applications/{a1.pk}/").json()
    assert body["intact"] is False and body["broken"]["seq"] == 1


def test_audit_of_an_application_outside_the_department_is_404(history, as_user, other_manager, citizen):
    a1 = history["a1"]
    assert as_user(other_manager).get(f"/api/v1/audit/applications/{a1.pk}/").status_code == 404
    assert as_user(citizen).get(f"/api/v1/audit/applications/{a1.pk}/").status_code == 403
    assert APIClient().get(f"/api/v1/audit/applications/{a1.pk}/").status_code == 401


def test_whole_database_check_runs_in_chunks_and_reports_progress(history, district_manager):
    _tamper(history["a3"])
    check = AuditCheck.objects.create(started_by=district_manager, created_at=history["a1"].submitted_at)
    check = run_audit_check(check_id=check.pk, chunk_size=2)
    assert (check.status, check.checked, check.total) == ("done", 7, 7)
    assert [b["tracking_number"] for b in check.broken] == [history["a3"].tracking_number]


def test_a_manager_starts_the_check_and_polls_it(history, as_user, district_manager,
                                                 django_capture_on_commit_callbacks):
    client = as_user(district_manager)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/api/v1/audit/checks/", headers={"Idempotency-Key": "check-1"})
    assert started.status_code == 202
    polled = client.get(f"/api/v1/audit/checks/{started.json()['id']}/").json()
    assert (polled["status"], polled["checked"], polled["progress"], polled["broken"]) == ("done", 7, 1.0, [])
    assert client.get("/api/v1/audit/checks/").json()["count"] == 1


def test_one_check_at_a_time(history, as_user, district_manager):
    client = as_user(district_manager)
    first = client.post("/api/v1/audit/checks/")  # queued: its task runs only after commit
    again = client.post("/api/v1/audit/checks/")
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["id"] == first.json()["id"]


def test_only_a_district_manager_checks_the_whole_database(as_user, manager, clerk):
    assert as_user(manager).post("/api/v1/audit/checks/").status_code == 403
    assert as_user(clerk).get("/api/v1/audit/checks/").status_code == 403
    assert APIClient().post("/api/v1/audit/checks/").status_code == 401
