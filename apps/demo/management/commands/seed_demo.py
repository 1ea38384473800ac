from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from apps.catalog.models import Department, Hall, ServiceItem, Window
from apps.demo.data import DEMO_PASSWORD
from apps.demo.services import HISTORY_SIZE, seed_demo


class Command(BaseCommand):
    @property
    def help(self):  # argparse needs a real string, in the language active when the parser is made
        return _("Load the demo district (catalogue, halls, windows, one account per role). Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--history", type=int, default=HISTORY_SIZE,
                            help=_("How many past applications to generate on the first load (default %(n)s).")
                            % {"n": HISTORY_SIZE})

    def handle(self, *args, **options):
        created = seed_demo(history=options["history"])
        self.stdout.write(
            _("demo data: %(new_items)s service items, %(new_accounts)s accounts and %(new_applications)s "
              "applications created; now %(items)s items, %(departments)s departments, %(halls)s halls, "
              "%(windows)s windows.")
            % {"new_items": created["items"], "new_accounts": len(created["users"]),
               "new_applications": created["applications"], "items": ServiceItem.objects.count(),
               "departments": Department.objects.count(), "halls": Hall.objects.count(),
               "windows": Window.objects.count()})
        if created["users"]:
            self.stdout.write(_("accounts %(usernames)s use the password %(password)s")
                              % {"usernames": ", ".join(created["users"]), "password": DEMO_PASSWORD})
