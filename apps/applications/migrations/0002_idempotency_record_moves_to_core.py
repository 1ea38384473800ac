from django.db import migrations


class Migration(migrations.Migration):
    """The idempotency record now belongs to core (HTTP plumbing); its table stays as it is."""

    dependencies = [
        ("applications", "0001_initial"),
        ("core", "0001_idempotency_record_from_applications"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyRecord")],
            database_operations=[],
        ),
    ]
