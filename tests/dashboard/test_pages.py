"""The dashboard pages without a browser: who may open them, what they show, and what they cost."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.analytics.lists import BEHIND
from apps.applications import services
from apps.applications.models import Event
from apps.dashboard.views import _figure_names
from tests.analytics.conftest import PERIOD
from tests.factories import ServiceItemFactory, hand_in_materials
from tests.helpers import at, triggers_switched_off

pytestmark = pytest.mark.django_db


def client_for(user=None) -> Client:
    client = Client()
    if user:
        client.force_login(user)
    return client


def test_strangers_sign_in_first_and_other_roles_are_refused(clerk, approver, citizen):
    assert client_for().get("/dashboard/")["Location"].startswith("/accounts/login/?next=/dashboard/")
    for user in (clerk, approver, citizen):
        assert client_for(user).get("/dashboard/").status_code == 403
        assert client_for(user).get("/dashboard/audit/").status_code == 403


def test_the_dashboard_shows_the_hand_computed_figures(history, district_manager):
    page = client_for(district_manager).get("/dashboard/", PERIOD).content.decode()
    assert "75.0 %" in page and "6.25" in page  # on time, mean working days
    assert page.count("<svg") == 5
    assert "format=csv" in page and "format=xlsx" in page


def test_a_department_manager_sees_only_their_department(history, manager, other_department):
    client = client_for(manager)
    page = client.get("/dashboard/", PERIOD).content.decode()
    assert "医师执业注册" not in page and "食品经营许可" in page
    assert client.get("/dashboard/", {"department": other_department.code}).status_code == 403


def test_bad_dates_are_shown_on_the_form(district_manager):
    response = client_for(district_manager).get("/dashboard/", {"date_from": "2025-10-01", "date_to": "2025-09-01"})
    assert response.status_code == 200
    assert b"error-summary" in response.content


def test_the_applications_behind_a_figure(history, district_manager):
    client = client_for(district_manager)
    page = client.get("/dashboard/applications/", {**PERIOD, "figure": "late"}).content.decode()
    assert history["a3"].tracking_number in page and history["a1"].tracking_number not in page
    over = client.get("/dashboard/applications/", {**PERIOD, "figure": "over_visit_limit"}).content.decode()
    assert history["a2"].tracking_number in over
    assert client.get("/dashboard/applications/", {"figure": "nope"}).status_code == 404


def test_the_audit_page_says_when_a_chain_is_broken(history, district_manager):
    a1 = history["a1"]
    client = client_for(district_manager)
    assert b"banner info" in client.get("/dashboard/audit/", {"application": a1.tracking_number}).content
    with triggers_switched_off():  # only the database's owner gets past the append-only triggers
        Event.objects.filter(application=a1, seq=2).update(action="edited")
    page = client.get("/dashboard/audit/", {"application": a1.tracking_number}).content.decode()
    assert 'role="alert"' in page
    assert client.get("/dashboard/audit/", {"part": "check"}).status_code == 200


def test_public_statistics_need_no_sign_in_and_show_no_personal_data(history, citizen):
    response = client_for().get("/stats/", {"month": "2025-09"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "2025-09" in page and "市场监督管理局" in page
    for personal in (citizen.name, citizen.id_number, citizen.phone, history["a1"].tracking_number):
        assert personal not in page
    assert client_for().get("/stats/", {"month": "junk"}).status_code == 200


def test_the_dashboard_costs_the_same_queries_with_more_data(history, district_manager, citizen, clerk,
                                                            approver):
    client = client_for(district_manager)
    with CaptureQueriesContext(connection) as first:
        client.get("/dashboard/", PERIOD)
    for code in ("000300000001", "000300000002"):
        more = services.submit_application(actor=citizen, item=ServiceItemFactory(code=code), channel="online",
                                           delivery_method="electronic", now=at(2025, 9, 8, 10))
        hand_in_materials(more, clerk, at(2025, 9, 8, 10))
        services.accept_application(application_id=more.pk, actor=clerk, now=at(2025, 9, 8, 10))
        services.record_visit(application_id=more.pk, clerk=clerk, purpose="consult", now=at(2025, 9, 8, 11))
    with CaptureQueriesContext(connection) as again:
        client.get("/dashboard/", PERIOD)
    # Five tables of figures, each reading the rollup's days, the rolled-up rows and the live days (see
    # tests/analytics/test_api.py).
    assert len(again) == len(first) < 60


def test_every_drill_down_has_a_name_and_keeps_the_department(history, district_manager, department):
    assert set(_figure_names()) == set(BEHIND) | {"over_visit_limit"}
    page = client_for(district_manager).get("/dashboard/applications/", {"figure": "decided",
                                                                         "department": department.code})
    assert f'value="{department.code}" selected' in page.content.decode()
