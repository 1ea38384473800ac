from django.db import migrations, models

SEQUENCE = "applications_tracking_serial_seq"


def create_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")


def drop_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0005_materials_received_at_window"),
    ]

    operations = [
        migrations.AlterField(
            model_name="application",
            name="tracking_number",
            field=models.CharField(max_length=40, unique=True, verbose_name="tracking number"),
        ),
        migrations.RunPython(create_sequence, drop_sequence),
    ]
