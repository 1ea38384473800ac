"""Load the official holiday arrangements from the chinesecalendar package.

Run after upgrading the package (a new year appears about each November); years an
administrator entered are left alone.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.workdays.services import YearLoad, load_years_from_package

MESSAGES = {
    YearLoad.CREATED: gettext_noop("%(year)s: loaded, %(added)s days."),
    YearLoad.UPDATED: gettext_noop(
        "%(year)s: updated, %(added)s days added, %(changed)s changed, %(removed)s removed."),
    YearLoad.UNCHANGED: gettext_noop("%(year)s: unchanged."),
    YearLoad.KEPT: gettext_noop("%(year)s: entered by an administrator, left alone."),
}


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a real string, in the language active when the parser is made
        return _("Load the holiday arrangements the chinesecalendar package knows into the working-day calendar.")

    def add_arguments(self, parser):
        parser.add_argument("--year", dest="years", type=int, action="append", metavar="YEAR",
                            help=_("Only this year (repeat for several). Default: every year the package knows."))

    def handle(self, *args, years=None, **options):
        try:
            report = load_years_from_package(years)
        except ValueError as error:
            raise CommandError(str(error))
        for load in report:
            self.stdout.write(_(MESSAGES[load.outcome]) % vars(load))
        changed = sum(load.changed_calendar for load in report)
        self.stdout.write(self.style.SUCCESS(
            _("%(changed)s of %(total)s years loaded or updated.") % {"changed": changed, "total": len(report)}))
