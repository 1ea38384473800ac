"""The managers' dashboard, the audit page and the public statistics, in a real browser with axe."""

import pytest
from django.contrib.auth import get_user_model

from apps.accounts.models import Role
from apps.analytics.reform import reform_ledger
from apps.applications.models import Application
from apps.catalog.models import Department
from apps.demo.services import seed_demo
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def demo(db):
    seed_demo(history=400)
    return get_user_model().objects.get(username="manager")


def test_a_manager_lands_on_the_dashboard_and_follows_a_figure_to_its_applications(demo, sign_in, page, check_page,
                                                                                   live_server):
    sign_in(demo)
    assert page.url == f"{live_server.url}/dashboard/"
    assert page.locator("svg.chart").count() == 5
    assert page.locator("#h-departments").count() == 1
    check_page("dashboard-zh")
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert "Key figures" in page.locator("main").inner_text()
    check_page("dashboard-en")
    # district → department
    with page.expect_navigation():
        page.locator("section[aria-labelledby=h-departments] tbody a").first.click()
    assert "department=" in page.url and page.locator("#h-departments").count() == 0
    check_page("dashboard-department-en")
    # department → the applications behind its decisions
    decided = page.locator(".counts.figures li").nth(1).locator("strong").inner_text()
    with page.expect_navigation():
        page.locator(".counts.figures li").nth(1).locator("a").click()
    assert "figure=decided" in page.url
    assert decided in page.locator("caption").inner_text()
    check_page("applications-en")
    csv = page.locator(".exports a").first.get_attribute("href")
    response = page.request.get(live_server.url + csv)
    assert response.status == 200 and response.body().startswith(b"\xef\xbb\xbf")


def test_bad_dates_are_said_beside_the_form(demo, sign_in, page, check_page, live_server):
    sign_in(demo)
    page.goto(f"{live_server.url}/dashboard/?date_from=2026-10-01&date_to=2026-09-01")
    assert page.locator(".error-summary").count() == 1
    check_page("dashboard-bad-dates")


def test_a_department_manager_sees_only_their_department(demo, sign_in, page, live_server):
    samr = Department.objects.get(code="SAMR")
    boss = UserFactory(username="samr-boss", role=Role.MANAGER, department=samr, id_number="")
    sign_in(boss)
    assert samr.name in page.locator("h1").inner_text()
    assert page.locator("#f-department").count() == 0
    page.allowed_console_errors.append("status of 403")
    assert page.goto(f"{live_server.url}/dashboard/?department=HEALTH").status == 403


def test_other_roles_are_refused_and_strangers_sent_to_sign_in(demo, sign_in, page, live_server):
    page.goto(f"{live_server.url}/dashboard/")
    assert "/accounts/login/" in page.url
    sign_in(get_user_model().objects.get(username="clerk"))
    page.allowed_console_errors.append("status of 403")
    assert page.goto(f"{live_server.url}/dashboard/").status == 403


def test_the_audit_page_shows_a_chain_and_checks_the_whole_database(demo, sign_in, page, check_page, live_server):
    sign_in(demo)
    number = demo.__class__.objects.get(username="citizen").applications.first().tracking_number
    page.goto(f"{live_server.url}/dashboard/audit/?application={number}")
    assert page.locator(".banner.info").count() == 1
    page.click("#h-check ~ form[data-api] button")
    page.wait_for_selector("#audit-check .banner.info")
    total = Application.objects.count()
    assert f"{total} / {total}" in page.locator("#audit-check").inner_text()  # every application of the demo
    check_page("audit-zh")


def test_public_statistics_without_sign_in_on_a_desktop_and_a_phone(demo, page, check_page, live_server):
    page.goto(f"{live_server.url}/stats/")
    steps_removed = reform_ledger()["total"]["steps_removed"]
    assert f"{steps_removed}" in page.locator(".headline").inner_text()
    assert page.locator("tbody tr").count() >= 6
    body = page.locator("main").inner_text()
    assert "申请人" not in body and "citizen" not in body
    check_page("stats-zh")
    page.set_viewport_size({"width": 390, "height": 844})
    check_page("stats-phone")
