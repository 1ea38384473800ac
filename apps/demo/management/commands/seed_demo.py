from django.core.management.base import BaseCommand

from apps.catalog.models import Department, Hall, ServiceItem, Window
from apps.demo.data import DEMO_PASSWORD
from apps.demo.services import seed_demo


class Command(BaseCommand):
    help = "Load the demo district (catalogue, halls, windows, one account per role). Safe to run again."

    def handle(self, *args, **options):
        created = seed_demo()
        self.stdout.write(
            f"demo data: {created['items']} service items, {len(created['users'])} accounts and "
            f"{created['applications']} applications created; "
            f"now {ServiceItem.objects.count()} items, {Department.objects.count()} departments, "
            f"{Hall.objects.count()} halls, {Window.objects.count()} windows.")
        if created["users"]:
            self.stdout.write(f"accounts {', '.join(created['users'])} use the password {DEMO_PASSWORD}")
