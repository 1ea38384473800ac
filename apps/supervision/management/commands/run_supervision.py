import argparse
from datetime import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.supervision.services import run_supervision


def moment(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        # argparse turns this into a one-line usage error (exit status 2), not a traceback.
        raise argparse.ArgumentTypeError(_("%(value)s is not an ISO 8601 time, e.g. 2026-12-01T09:00:00+08:00")
                                         % {"value": repr(value)})
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a real string, in the language active when the parser is made
        return _("Run every supervision job once (deadline flags, deemed acceptance, late deliveries, reminders).")

    def add_arguments(self, parser):
        parser.add_argument("--now", type=moment, default=None,
                            help=_("Evaluate the rules as of this moment (ISO 8601; without an offset, "
                                   "Asia/Shanghai)."))

    def handle(self, *args, now=None, **options):
        now = now or timezone.now()
        self.stdout.write(_("supervision as of %(moment)s")
                          % {"moment": f"{timezone.localtime(now):%Y-%m-%d %H:%M:%S%z}"})
        for line in run_supervision(now=now).lines():
            self.stdout.write(f"  {line}")
