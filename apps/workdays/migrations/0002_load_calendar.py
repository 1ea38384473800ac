"""Seed the calendar with every year the chinesecalendar package knows, so that a new
database (and the test database) counts working days from the start."""

from django.db import migrations

from apps.workdays.services import sync_years_from_package


def load_package_years(apps, schema_editor):
    sync_years_from_package(apps.get_model("workdays", "CalendarYear"), apps.get_model("workdays", "CalendarDay"))


class Migration(migrations.Migration):

    dependencies = [
        ("workdays", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_package_years, migrations.RunPython.noop),
    ]
