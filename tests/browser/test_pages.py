"""The front page and the administration, as a person sees them."""

from datetime import date
from types import SimpleNamespace

import pytest

from apps.workdays.templatetags import workdays_tags
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_front_page_speaks_chinese_and_switches_to_english(live_server, page, check_page):
    page.goto(live_server.url)
    assert "政务服务" in page.locator("h1").inner_text()
    check_page("home-zh")
    with page.expect_navigation():  # the choice submits a form; wait for the page it leads to
        page.select_option("#lang-select", "en")
    assert "every service of the district" in page.locator("h1").inner_text()
    check_page("home-en")


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo12345")
    page.click("input[type=submit]")


def test_administrators_are_warned_in_october_that_next_years_holidays_are_missing(live_server, page, shots,
                                                                                   monkeypatch):
    UserFactory(username="root", role="admin", is_staff=True, is_superuser=True, id_number="")
    monkeypatch.setattr(workdays_tags, "timezone", SimpleNamespace(localdate=lambda: date(2026, 10, 8)))
    sign_in(page, live_server, "root")
    warning = page.locator("#workdays-calendar-warning")
    assert "2027" in warning.inner_text() and "暂定" in warning.inner_text()
    page.screenshot(path=shots / "admin-warning.png", full_page=True)
    monkeypatch.setattr(workdays_tags, "timezone", SimpleNamespace(localdate=lambda: date(2026, 9, 30)))
    page.reload()
    assert page.locator("#workdays-calendar-warning").count() == 0


def test_an_administrator_edits_an_item_and_sees_a_clear_error_in_the_form(live_server, page, shots):
    UserFactory(username="root", role="admin", is_staff=True, is_superuser=True, id_number="")
    item = ServiceItemFactory(code="000104002000", name="食品经营许可", department=DepartmentFactory(code="SAMR"),
                              promised_limit_days=5, legal_limit_days=10)
    sign_in(page, live_server, "root")
    page.goto(f"{live_server.url}/admin/catalog/serviceitem/{item.pk}/change/")
    page.fill("#id_promised_limit_days", "15")
    page.click("input[name=_save]")
    error = page.locator(".errorlist").first.inner_text()
    assert "15" in error and "10" in error          # promised 15 cannot exceed legal 10
    page.screenshot(path=shots / "admin-item-error.png", full_page=True)
    item.refresh_from_db()
    assert item.promised_limit_days == 5
