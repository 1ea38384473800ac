"""An application that is overdue now, made through the services."""

from datetime import timedelta

from django.utils import timezone

from apps.applications import services
from tests.factories import ServiceItemFactory, hand_in_materials


def overdue_application(citizen, clerk, department, code):
    """Accepted ten days ago with a one-day step: overdue now."""
    item = ServiceItemFactory(code=code, department=department, promised_limit_days=1)
    then = timezone.now() - timedelta(days=10)
    application = services.submit_application(actor=citizen, item=item, channel="online",
                                              delivery_method="electronic", now=then)
    hand_in_materials(application, clerk, then)
    return services.accept_application(application_id=application.pk, actor=clerk, now=then)
