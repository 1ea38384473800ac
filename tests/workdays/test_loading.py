"""Seeding from chinesecalendar, the load_calendar command, entering a year, and the tables' own rules."""

from datetime import date
from io import StringIO

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from apps.workdays.calendar import is_workday
from apps.workdays.models import CalendarDay, CalendarYear
from apps.workdays.services import enter_year, load_years_from_package, mark_manual, package_years

pytestmark = pytest.mark.django_db


def load_calendar(*args) -> str:
    out = StringIO()
    call_command("load_calendar", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return (list(CalendarYear.objects.order_by("year").values_list("year", "entered", "source", "updated_at")),
            list(CalendarDay.objects.order_by("date").values_list("date", "kind", "name", "updated_at")))


def test_the_migration_seeds_every_year_the_package_knows():
    years = CalendarYear.objects.order_by("year")
    assert [y.year for y in years] == list(package_years())
    assert package_years()[0] == 2004 and package_years()[-1] >= 2026
    assert all(y.entered and y.source == "package" for y in years)
    assert CalendarDay.objects.filter(kind="holiday").count() == len(chinese_calendar.holidays)
    assert CalendarDay.objects.filter(kind="workday").count() == len(chinese_calendar.workdays)


def test_days_carry_the_chinese_name():
    assert CalendarDay.objects.get(date=date(2026, 2, 17)).name == "春节"
    assert CalendarDay.objects.get(date=date(2026, 9, 20)).name == "国庆节"
    assert CalendarDay.objects.get(date=date(2015, 9, 3)).name.startswith("中国人民抗日战争")


def test_load_calendar_twice_changes_nothing():
    before = snapshot()
    first, second = load_calendar(), load_calendar()
    assert snapshot() == before
    assert second == first
    assert "2026年：无变化。" in second
    assert second.splitlines()[-1] == f"共{len(package_years())}个年度，其中0个已导入或更新。"


def test_load_calendar_repairs_a_package_year(django_capture_on_commit_callbacks, calendar_signals):
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.filter(date=date(2025, 1, 28)).delete()
        CalendarDay.objects.filter(date=date(2025, 1, 29)).update(kind="workday")
    with django_capture_on_commit_callbacks(execute=True):
        out = load_calendar("--year", "2025")
    assert out.splitlines()[0] == "2025年：已更新，新增1天，修改1天，删除0天。"
    assert CalendarDay.objects.get(date=date(2025, 1, 28)).kind == "holiday"
    assert CalendarDay.objects.get(date=date(2025, 1, 29)).kind == "holiday"
    assert calendar_signals == [[2025], [2025]]  # the deletion, then the repair


def test_load_calendar_leaves_a_year_entered_by_hand_alone():
    CalendarDay.objects.filter(date=date(2025, 1, 28)).delete()
    mark_manual([2025])
    before = snapshot()
    out = load_calendar()
    assert "2025年：由管理员录入，保持不变。" in out
    assert snapshot() == before
    assert not CalendarDay.objects.filter(date=date(2025, 1, 28)).exists()


def test_load_calendar_refuses_a_year_the_package_does_not_know():
    with pytest.raises(CommandError, match="2027"):
        load_calendar("--year", "2027")


def test_load_years_from_package_recreates_a_deleted_year():
    CalendarYear.objects.filter(year=2024).delete()
    report = load_years_from_package([2024])
    assert [(r.year, r.outcome) for r in report] == [(2024, "created")]
    assert CalendarDay.objects.filter(calendar_year=2024).count() == sum(
        d.year == 2024 for d in [*chinese_calendar.holidays, *chinese_calendar.workdays])


class TestEnterYear:
    def test_replaces_the_days_and_takes_the_year_over(self):
        calendar_year = enter_year(year=2026, notice="国办发明电〔2025〕7号",
                                   days=[(date(2026, 2, 16), "holiday", "春节")])
        assert (calendar_year.entered, calendar_year.source) == (True, "manual")
        assert list(calendar_year.days.values_list("date", flat=True)) == [date(2026, 2, 16)]

    @pytest.mark.parametrize("days", [
        [(date(2028, 1, 3), "holiday", "元旦")],  # not in 2027
        [(date(2027, 1, 1), "holiday", "元旦"), (date(2027, 1, 1), "workday", "元旦")],  # twice
        [(date(2027, 1, 1), "weekend", "元旦")],  # no such kind
    ])
    def test_refuses_bad_days_and_writes_nothing(self, days):
        with pytest.raises(ValidationError):
            enter_year(year=2027, days=days)
        assert not CalendarYear.objects.filter(year=2027).exists()

    def test_refuses_a_year_before_2004(self):
        with pytest.raises(ValidationError):
            enter_year(year=2003, days=[])


class TestTheTablesGuardThemselves:
    def test_a_day_must_fall_in_its_year(self):
        day = CalendarDay(date=date(2026, 5, 1), kind="holiday", name="劳动节", calendar_year_id=2025)
        with pytest.raises(ValidationError) as error:
            day.full_clean()
        assert "date" in error.value.message_dict
        with pytest.raises(IntegrityError), transaction.atomic():
            day.save()

    def test_a_date_appears_once(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            CalendarDay.objects.create(date=date(2026, 2, 17), kind="workday", calendar_year_id=2026)

    def test_a_kind_must_be_known(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            CalendarDay.objects.create(date=date(2026, 3, 2), kind="weekend", calendar_year_id=2026)

    def test_no_year_before_2004(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            CalendarYear.objects.create(year=2003)

    def test_the_calendar_follows_a_saved_day(self, django_capture_on_commit_callbacks, calendar_signals):
        assert is_workday(date(2026, 3, 2))
        with django_capture_on_commit_callbacks(execute=True):
            CalendarDay.objects.create(date=date(2026, 3, 2), kind="holiday", name="test", calendar_year_id=2026)
        assert not is_workday(date(2026, 3, 2))
        assert calendar_signals == [[2026]]

    def test_a_notice_edit_sends_no_signal(self, django_capture_on_commit_callbacks, calendar_signals):
        year = CalendarYear.objects.get(year=2026)
        with django_capture_on_commit_callbacks(execute=True):
            year.notice = "国办发明电〔2025〕7号"
            year.save()
        assert calendar_signals == []

    def test_a_rolled_back_change_is_not_announced(self, django_capture_on_commit_callbacks, calendar_signals):
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(RuntimeError), transaction.atomic():
                CalendarDay.objects.filter(date=date(2024, 10, 7)).delete()
                raise RuntimeError
            CalendarDay.objects.filter(date=date(2025, 10, 8)).delete()
        assert calendar_signals == [[2025]]
