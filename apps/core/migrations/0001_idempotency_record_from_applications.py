import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The idempotency record moves here from applications; its table stays as it is."""

    initial = True

    dependencies = [
        ("applications", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotencyRecord",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("key", models.CharField(max_length=100)),
                        ("method", models.CharField(max_length=8)),
                        ("path", models.CharField(max_length=300)),
                        ("status_code", models.PositiveSmallIntegerField()),
                        ("body", models.JSONField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                                   to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"db_table": "applications_idempotencyrecord"},
                ),
                migrations.AddConstraint(
                    model_name="idempotencyrecord",
                    constraint=models.UniqueConstraint(fields=("user", "key"), name="idempotency_key_unique_per_user"),
                ),
            ],
            database_operations=[],
        ),
    ]
