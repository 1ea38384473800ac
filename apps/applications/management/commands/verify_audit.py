from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from apps.applications.audit import verify_all
from apps.applications.models import Application, Event


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a real string, in the language active when the parser is made
        return _("Check every application's chain of events; name the first broken link of each broken chain.")

    def handle(self, *args, **options):
        broken = 0
        for link in verify_all():
            broken += 1
            self.stdout.write(_("BROKEN %(tracking_number)s (application %(id)s): event %(seq)s: %(problem)s")
                              % {"tracking_number": link.tracking_number, "id": link.application_id,
                                 "seq": link.seq, "problem": link.problem})
        total = Application.objects.count()
        events = Event.objects.count()
        if broken:
            raise CommandError(_("%(broken)s of %(total)s audit chains are broken")
                               % {"broken": broken, "total": total})
        self.stdout.write(_("OK: %(total)s applications, %(events)s events, every chain intact")
                          % {"total": total, "events": events})
