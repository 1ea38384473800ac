"""Entering and correcting the calendar in the admin, and the warning while next year is missing."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.workdays.calendar import add_workdays, is_provisional
from apps.workdays.models import CalendarDay, CalendarYear
from apps.workdays.services import enter_year

pytestmark = pytest.mark.django_db

YEARS_URL = reverse("admin:workdays_calendaryear_changelist")
ADD_YEAR_URL = reverse("admin:workdays_calendaryear_add")
ADD_DAY_URL = reverse("admin:workdays_calendarday_add")


def year_form(year: int, days: list[tuple[str, str, str]], **fields) -> dict:
    data = {
        "year": str(year), "entered": "on", "notice": "", **fields,
        "days-TOTAL_FORMS": str(len(days)), "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0", "days-MAX_NUM_FORMS": "1000",
    }
    for i, (day, kind, name) in enumerate(days):
        data |= {f"days-{i}-date": day, f"days-{i}-kind": kind, f"days-{i}-name": name}
    return data


def form_errors(response) -> list[str]:
    errors = [str(e) for e in response.context["errors"]]
    return errors or [str(response.context["adminform"].form.errors)]


@pytest.mark.parametrize("url", [
    YEARS_URL,
    YEARS_URL + "?entered__exact=1&source__exact=package",
    reverse("admin:workdays_calendarday_changelist") + "?kind__exact=workday&calendar_year__year__exact=2026",
    reverse("admin:workdays_calendarday_changelist") + "?q=春节&date__year=2026",
    ADD_YEAR_URL,
    ADD_DAY_URL,
])
def test_pages_open(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_year_list_counts_holidays_and_adjusted_working_days(admin_client):
    row = admin_client.get(YEARS_URL).context["cl"].result_list.get(year=2026)
    assert (row.holiday_count, row.workday_count) == (33, 6)
    assert admin_client.get(reverse("admin:workdays_calendaryear_change", args=[row.pk])).status_code == 200


def test_entering_a_year_with_its_days(admin_client, django_capture_on_commit_callbacks, calendar_signals):
    start = date(2026, 12, 15)
    assert add_workdays(start, 20) == date(2027, 1, 13)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(ADD_YEAR_URL, year_form(2027, [
            ("2027-01-01", "holiday", "元旦"),
            ("2027-01-04", "holiday", "元旦"),
            ("2027-01-05", "holiday", "元旦"),
            ("2027-01-09", "workday", "元旦"),
        ], notice="国办发明电〔2026〕1号"))
    assert response.status_code == 302, form_errors(response)
    calendar_year = CalendarYear.objects.get(year=2027)
    assert (calendar_year.entered, calendar_year.source) == (True, "manual")
    assert calendar_year.days.count() == 4
    assert calendar_signals == [[2027]]
    assert add_workdays(start, 20) == date(2027, 1, 14)
    assert not is_provisional(date(2027, 1, 14))


def test_a_day_in_another_year_is_a_form_error(admin_client):
    response = admin_client.post(ADD_YEAR_URL, year_form(2027, [("2028-01-03", "holiday", "元旦")]))
    assert response.status_code == 200
    assert "2028-01-03 不在 2027 年内" in form_errors(response)[0]
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_the_same_date_twice_is_a_form_error(admin_client):
    response = admin_client.post(ADD_YEAR_URL, year_form(2027, [
        ("2027-01-01", "holiday", "元旦"), ("2027-01-01", "workday", "元旦")]))
    assert response.status_code == 200
    assert form_errors(response)
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.parametrize(("fields", "field"), [
    ({"calendar_year": "2025", "date": "2026-03-02", "kind": "holiday", "name": "x"}, "date"),  # wrong year
    ({"calendar_year": "2026", "date": "2026-02-17", "kind": "workday", "name": "x"}, "date"),  # already there
])
def test_a_bad_single_day_is_a_form_error(admin_client, fields, field):
    response = admin_client.post(ADD_DAY_URL, fields)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors


def test_changing_a_package_years_days_takes_it_over(admin_client):
    year = CalendarYear.objects.get(year=2025)
    days = list(year.days.order_by("date"))
    data = year_form(2025, [], entered="on")
    data |= {"days-TOTAL_FORMS": str(len(days)), "days-INITIAL_FORMS": str(len(days))}
    for i, day in enumerate(days):
        data |= {f"days-{i}-id": str(day.pk), f"days-{i}-calendar_year": "2025",
                 f"days-{i}-date": day.date.isoformat(), f"days-{i}-kind": day.kind, f"days-{i}-name": day.name}
    data["days-0-name"] = "元旦（更正）"
    response = admin_client.post(reverse("admin:workdays_calendaryear_change", args=[year.pk]), data)
    assert response.status_code == 302, form_errors(response)
    year.refresh_from_db()
    assert year.source == "manual"
    assert CalendarDay.objects.get(pk=days[0].pk).name == "元旦（更正）"


def test_adding_a_single_day_takes_its_year_over(admin_client):
    response = admin_client.post(ADD_DAY_URL, {"calendar_year": "2026", "date": "2026-03-02",
                                               "kind": "holiday", "name": "x"})
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2026).source == "manual"
    assert CalendarYear.objects.get(year=2025).source == "package"


class TestWarningWhileNextYearIsMissing:
    @pytest.fixture
    def today(self, monkeypatch):
        def set_today(day: date):
            monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
        return set_today

    def test_shown_from_october(self, admin_client, today):
        today(date(2026, 10, 1))
        page = admin_client.get(reverse("admin:index")).content.decode()
        assert 'id="workdays-calendar-warning"' in page
        assert "2027" in page
        assert f'href="{YEARS_URL}"' in page

    def test_shown_on_every_admin_page(self, admin_client, today):
        today(date(2026, 12, 31))
        page = admin_client.get(reverse("admin:workdays_calendarday_changelist")).content.decode()
        assert 'id="workdays-calendar-warning"' in page

    def test_not_before_october(self, admin_client, today):
        today(date(2026, 9, 30))
        assert b"workdays-calendar-warning" not in admin_client.get(reverse("admin:index")).content

    def test_not_once_the_year_is_entered(self, admin_client, today, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            enter_year(year=2027, days=[(date(2027, 1, 1), "holiday", "元旦")])
        today(date(2026, 10, 1))
        assert b"workdays-calendar-warning" not in admin_client.get(reverse("admin:index")).content

    def test_not_on_the_login_page(self, client, today):
        today(date(2026, 10, 1))
        assert b"workdays-calendar-warning" not in client.get(reverse("admin:login")).content
