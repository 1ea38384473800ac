from django.core.management.base import BaseCommand, CommandError

from apps.applications.audit import verify_all
from apps.applications.models import Application, Event


class Command(BaseCommand):
    help = "Check every application's chain of events; name the first broken link of each broken chain."

    def handle(self, *args, **options):
        broken = 0
        for link in verify_all():
            broken += 1
            self.stdout.write(f"BROKEN {link.tracking_number} (application {link.application_id}): "
                              f"event {link.seq}: {link.problem}")
        total = Application.objects.count()
        events = Event.objects.count()
        if broken:
            raise CommandError(f"{broken} of {total} audit chains are broken")
        self.stdout.write(f"OK: {total} applications, {events} events, every chain intact")
