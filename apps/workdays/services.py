"""Writes to the calendar: loading the years the chinesecalendar package knows, entering a year."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import chinese_calendar
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import CalendarDay, CalendarYear, DayKind, YearSource
from .signals import announce_change

# Plain strings: the data migration's historical models know no choices classes.
HOLIDAY, WORKDAY = DayKind.HOLIDAY.value, DayKind.WORKDAY.value
PACKAGE, MANUAL = YearSource.PACKAGE.value, YearSource.MANUAL.value


@dataclass(frozen=True)
class YearLoad:
    """What loading one year from the package did."""

    CREATED, UPDATED, UNCHANGED, KEPT = "created", "updated", "unchanged", "kept"

    year: int
    outcome: str
    added: int = 0
    changed: int = 0
    removed: int = 0

    @property
    def changed_calendar(self) -> bool:
        return self.outcome in (self.CREATED, self.UPDATED)


def package_years() -> range:
    """The years chinesecalendar has the official arrangement for: 2004 to its latest."""
    known = chinese_calendar.holidays.keys()
    return range(min(known).year, max(known).year + 1)


def _package_days() -> dict[int, dict[date, tuple[str, str]]]:
    """Per year, date -> (kind, Chinese name) for the package's holidays and adjusted working days."""
    names = {holiday.value: getattr(holiday, "chinese", holiday.value) for holiday in chinese_calendar.Holiday}
    days = defaultdict(dict)
    for kind, table in ((HOLIDAY, chinese_calendar.holidays), (WORKDAY, chinese_calendar.workdays)):
        for day, name in table.items():
            days[day.year][day] = (kind, names.get(name, name))
    return days


def sync_years_from_package(year_model, day_model, years: Iterable[int] | None = None) -> list[YearLoad]:
    """Make the package's years in the tables match the package; years entered by hand are left alone.

    Takes the models so that the data migration can pass its historical ones. Days
    are written in bulk, which sends no model signals: `load_years_from_package`
    announces the change.
    """
    known = package_years()
    years = sorted(set(years)) if years else list(known)
    unknown = [year for year in years if year not in known]
    if unknown:
        raise ValueError(
            _("chinesecalendar %(version)s has the arrangements for %(first)s to %(last)s only, not for "
              "%(years)s: enter those in the admin.")
            % {"version": chinese_calendar.__version__, "first": known[0], "last": known[-1],
               "years": ", ".join(map(str, unknown))})
    official = _package_days()
    return [_sync_year(year_model, day_model, year, official[year]) for year in years]


def _sync_year(year_model, day_model, year: int, wanted: dict[date, tuple[str, str]]) -> YearLoad:
    calendar_year, created = year_model.objects.get_or_create(
        year=year, defaults={"entered": True, "source": PACKAGE})
    if calendar_year.source == MANUAL:
        return YearLoad(year, YearLoad.KEPT)
    existing = {day.date: day for day in day_model.objects.filter(calendar_year=calendar_year)}
    added = [day_model(calendar_year=calendar_year, date=d, kind=kind, name=name)
             for d, (kind, name) in wanted.items() if d not in existing]
    changed = [day for d, day in existing.items() if d in wanted and (day.kind, day.name) != wanted[d]]
    removed = [day.pk for d, day in existing.items() if d not in wanted]
    now = timezone.now()
    for day in changed:
        day.kind, day.name = wanted[day.date]
        day.updated_at = now  # bulk_update skips auto_now, and the version check relies on it
    day_model.objects.bulk_create(added)
    day_model.objects.bulk_update(changed, ["kind", "name", "updated_at"])
    day_model.objects.filter(pk__in=removed).delete()
    if created:
        return YearLoad(year, YearLoad.CREATED, added=len(added))
    if not (added or changed or removed or not calendar_year.entered):
        return YearLoad(year, YearLoad.UNCHANGED)
    calendar_year.entered = True
    calendar_year.save(update_fields=["entered", "updated_at"])
    return YearLoad(year, YearLoad.UPDATED, added=len(added), changed=len(changed), removed=len(removed))


def load_years_from_package(years: Iterable[int] | None = None) -> list[YearLoad]:
    """Load every year the package knows (or those given); running it again changes nothing."""
    with transaction.atomic():
        report = sync_years_from_package(CalendarYear, CalendarDay, years)
        announce_change(load.year for load in report if load.changed_calendar)
    return report


def enter_year(*, year: int, days: Iterable[tuple[date, str, str]], notice: str = "") -> CalendarYear:
    """录入: the State Council's arrangement for `year`, as (date, kind, name) rows.

    The rows replace whatever days the year had; its deadlines stop being
    provisional, and the package loader leaves the year alone from now on.
    """
    days = list(days)
    if len({d for d, _kind, _name in days}) != len(days):
        raise ValidationError(_("A date is listed twice."))
    with transaction.atomic():
        calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first() or CalendarYear(year=year)
        calendar_year.entered, calendar_year.source, calendar_year.notice = True, MANUAL, notice
        calendar_year.full_clean()
        calendar_year.save()
        calendar_year.days.all().delete()
        rows = [CalendarDay(calendar_year=calendar_year, date=d, kind=kind, name=name) for d, kind, name in days]
        for row in rows:
            row.full_clean()
        CalendarDay.objects.bulk_create(rows)
        announce_change([year])
    return calendar_year


def mark_manual(years: Iterable[int]) -> None:
    """An administrator changed these years' days: the package loader must not overwrite them."""
    CalendarYear.objects.filter(year__in=list(years)).exclude(source=MANUAL).update(
        source=MANUAL, updated_at=timezone.now())
