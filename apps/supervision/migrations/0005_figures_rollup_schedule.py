from django.db import migrations

from apps.supervision.schedule import install_schedule


def install(apps, schema_editor):
    """Adds the daily figures rollup to a schedule installed before it existed; other entries stay as they are."""
    install_schedule(apps.get_model("django_celery_beat", "PeriodicTask"),
                     apps.get_model("django_celery_beat", "IntervalSchedule"))


class Migration(migrations.Migration):
    dependencies = [("supervision", "0004_housekeeping_schedule")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
