"""The working-day calendar as the State Council announces it, one year at a time.

A year's arrangement (国务院办公厅关于某年部分节假日安排的通知) lists the rest days
of each holiday period (放假) and the weekends that become working days (调休上班).
`CalendarYear` says whether that arrangement has been entered; `CalendarDay` holds
its exceptions to the Monday-to-Friday week. How the days are counted lives in
`calendar.py`.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

FIRST_YEAR = 2004


class YearOf(models.Func):
    """The year of a date column, in SQL that every client of the database understands.

    Django's own ExtractYear calls a Python function on SQLite, which a CHECK
    constraint cannot rely on outside Django; Django stores SQLite dates as ISO text.
    """

    template = "EXTRACT(YEAR FROM %(expressions)s)"
    output_field = models.IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="CAST(substr(%(expressions)s, 1, 4) AS INTEGER)",
                           **extra_context)


class YearSource(models.TextChoices):
    PACKAGE = "package", _("chinesecalendar package")
    MANUAL = "manual", _("Entered by an administrator")


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (rest day)")
    WORKDAY = "workday", _("Adjusted working day")


class CalendarYear(models.Model):
    """One year of the calendar; `entered` once the official arrangement is in."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=[MinValueValidator(FIRST_YEAR)])
    entered = models.BooleanField(
        _("arrangement entered"), default=False,
        help_text=_("Checked once the State Council's holiday arrangement for the year is entered. Until then "
                    "deadlines in the year are provisional: weekends and statutory holidays only."))
    source = models.CharField(_("source"), max_length=16, choices=YearSource.choices, default=YearSource.MANUAL)
    notice = models.CharField(pgettext_lazy("calendar year", "notice"), max_length=300, blank=True,
                              help_text=_("Number and title of the State Council notice."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=FIRST_YEAR), name="calendar_year_from_2004"),
            models.CheckConstraint(condition=Q(source__in=YearSource.values), name="calendar_year_source_valid"),
        ]

    # What `entered` was when the row was read, so that a save can tell whether it changed.
    entered_in_db = False

    def __str__(self):
        return str(self.year)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.entered_in_db = instance.__dict__.get("entered", False)
        return instance


class CalendarDay(models.Model):
    """A rest day of a holiday period (放假) or an adjusted working day (调休上班).

    The key to the year is the year number itself, so that the database can check
    that the day falls in it.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("The holiday, e.g. 春节."))
    calendar_year = models.ForeignKey(CalendarYear, verbose_name=_("year"), to_field="year",
                                      on_delete=models.CASCADE, related_name="days")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DayKind.values), name="calendar_day_kind_valid"),
            models.CheckConstraint(condition=Q(calendar_year=YearOf("date")), name="calendar_day_in_its_year",
                                   violation_error_message=_("The date is not in the calendar year.")),
        ]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}".rstrip()

    def clean(self):
        # The key is the year number, so this holds also for the inline days of a year not saved yet.
        year = self.calendar_year_id
        if self.date and year and self.date.year != year:
            raise ValidationError({"date": _("%(date)s is not in %(year)s.") % {"date": self.date, "year": year}})
