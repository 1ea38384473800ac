"""Translation only: the figures' dictionaries as JSON (and in the OpenAPI schema)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.applications.api.serializers import EventOutputSerializer
from apps.core.api.serializers import CodeNameSerializer

from ..models import AuditCheck


def Rate(**kwargs):  # noqa: N802 - reads like a field class
    return serializers.FloatField(allow_null=True, min_value=0, max_value=1, **kwargs)


def Days(**kwargs):  # noqa: N802
    return serializers.FloatField(allow_null=True, **kwargs)


class VisitsSerializer(serializers.Serializer):
    applications = serializers.IntegerField()
    zero = serializers.IntegerField()
    one = serializers.IntegerField()
    two_or_more = serializers.IntegerField()
    over_limit = serializers.IntegerField(help_text=_("More visits than the item allows."))


class RectificationCountsSerializer(serializers.Serializer):
    answered_on_time = serializers.IntegerField()
    answered_late = serializers.IntegerField()
    open_in_time = serializers.IntegerField()
    open_overdue = serializers.IntegerField()


class OverviewSerializer(serializers.Serializer):
    submitted = serializers.IntegerField()
    accepted = serializers.IntegerField()
    decided = serializers.IntegerField()
    on_time_rate = Rate(help_text=_("Decisions made on or before their due date."))
    within_legal_rate = Rate()
    avg_working_days = Days(help_text=_("From acceptance to decision, paused days excluded."))
    median_working_days = Days()
    p90_working_days = Days()
    avg_promised_limit_days = Days()
    avg_legal_limit_days = Days()
    promised_compression_rate = Rate(help_text=_("(legal - promised) / legal, summed over the items."))
    at_most_one_visit_rate = Rate()
    zero_visit_rate = Rate()
    visits = VisitsSerializer()
    overdue_open = serializers.IntegerField()
    warning_open = serializers.IntegerField()
    satisfaction_rate = Rate(help_text=_("Ratings in the top three levels."))
    rated = serializers.IntegerField()
    bad_ratings = serializers.IntegerField()
    rectifications = RectificationCountsSerializer()
    deemed_accepted = serializers.IntegerField()
    second_notices = serializers.IntegerField()
    extensions = serializers.IntegerField()
    late_deliveries = serializers.IntegerField()


class ItemFiguresSerializer(OverviewSerializer):
    code = serializers.CharField()
    name = serializers.CharField()
    department = CodeNameSerializer()


class DepartmentFiguresSerializer(OverviewSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class StepFiguresSerializer(serializers.Serializer):
    department = serializers.CharField()
    step = serializers.CharField()
    finished = serializers.IntegerField()
    avg_allotted_days = Days()
    avg_working_days = Days()
    median_working_days = Days()
    p90_working_days = Days()
    on_time_rate = Rate()
    open = serializers.IntegerField()
    warning_open = serializers.IntegerField()
    overdue_open = serializers.IntegerField()


class ReformItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    item_type = serializers.CharField()
    department = CodeNameSerializer()
    steps_before = serializers.IntegerField(allow_null=True)
    steps_now = serializers.IntegerField()
    steps_removed = serializers.IntegerField(allow_null=True)
    baseline_limit_days = serializers.IntegerField(allow_null=True)
    legal_limit_days = serializers.IntegerField()
    promised_limit_days = serializers.IntegerField()
    compression_rate = Rate()
    max_visits = serializers.IntegerField()


class ReformTotalSerializer(serializers.Serializer):
    items = serializers.IntegerField()
    steps_before = serializers.IntegerField()
    steps_now = serializers.IntegerField()
    steps_removed = serializers.IntegerField()
    legal_limit_days = serializers.IntegerField()
    promised_limit_days = serializers.IntegerField()
    promised_compression_rate = Rate()
    zero_visit_items = serializers.IntegerField()
    at_most_one_visit_items = serializers.IntegerField()
    licensing_items = serializers.IntegerField()
    licensing_at_most_one_visit_rate = Rate()


class ReformSerializer(serializers.Serializer):
    items = ReformItemSerializer(many=True)
    total = ReformTotalSerializer()
    headline = serializers.CharField()


class OverLimitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_number = serializers.CharField()
    service_item = serializers.CharField(source="service_item.code")
    service_item_name = serializers.CharField(source="service_item.name")
    department = serializers.CharField(source="department.code")
    submitted_at = serializers.DateTimeField()
    status = serializers.CharField()
    visits = serializers.IntegerField(source="visits_total")
    max_visits = serializers.IntegerField()
    receiving_hall = serializers.CharField(source="hall.name", allow_null=True, default=None)
    last_visit_hall = serializers.CharField(source="last_hall", allow_null=True)
    last_visit_clerk = serializers.CharField(source="last_clerk", allow_null=True)


class AuditEventSerializer(EventOutputSerializer):  # an event as the application shows it, and its link back
    prev_hash = serializers.CharField()


class BrokenLinkSerializer(serializers.Serializer):
    application_id = serializers.IntegerField()
    tracking_number = serializers.CharField()
    seq = serializers.IntegerField()
    problem = serializers.CharField()


class ApplicationAuditSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_number = serializers.CharField()
    intact = serializers.BooleanField()
    broken = BrokenLinkSerializer(allow_null=True)
    events = AuditEventSerializer(many=True)


class AuditCheckSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=AuditCheck.Status.choices)
    created_at = serializers.DateTimeField()
    started_by = serializers.CharField(source="started_by.__str__")
    total = serializers.IntegerField()
    checked = serializers.IntegerField()
    progress = serializers.SerializerMethodField()
    broken = BrokenLinkSerializer(many=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_progress(self, check) -> float:
        """Fraction of the applications checked so far, in [0, 1]."""
        return round(check.checked / check.total, 4) if check.total else (1.0 if check.finished_at else 0.0)


class TrendSerializer(serializers.Serializer):
    month = serializers.CharField(help_text=_("YYYY-MM"))
    submitted = serializers.IntegerField()
    decided = serializers.IntegerField()
    on_time_rate = Rate()
    avg_working_days = Days()
    median_working_days = Days()
    p90_working_days = Days()


class ApplicationBehindSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_number = serializers.CharField()
    service_item = serializers.CharField(source="service_item.code")
    service_item_name = serializers.CharField(source="service_item.name")
    department = serializers.CharField(source="department.code")
    hall = serializers.CharField(source="hall.name", allow_null=True, default=None)
    status = serializers.CharField()
    flag = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    accepted_on = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    legal_due_date = serializers.DateField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
