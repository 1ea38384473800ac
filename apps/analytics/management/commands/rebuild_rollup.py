from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.analytics.rollup import rebuild_rollup


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a real string, in the language active when the parser is made
        return _("Build the daily rollup of the managers' figures again from the applications, up to yesterday.")

    def handle(self, *args, **options):
        report = rebuild_rollup(now=timezone.now())
        self.stdout.write(_("rollup rebuilt through %(day)s: %(rows)s rows")
                          % {"day": report.rolled_through, "rows": report.rows})
