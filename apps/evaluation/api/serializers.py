from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Rectification, Score


class RatingInputSerializer(serializers.Serializer):
    score = serializers.ChoiceField(choices=Score.choices, help_text=_("5 = very satisfied … 1 = very dissatisfied."))
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RatingOutputSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    score_display = serializers.CharField(source="get_score_display")
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()
    rectification_due = serializers.DateField(source="rectification.due_date", allow_null=True, default=None)


class RectificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField(source="rating.application_id")
    tracking_number = serializers.CharField(source="rating.application.tracking_number")
    score = serializers.IntegerField(source="rating.score")
    comment = serializers.CharField(source="rating.comment")
    department = serializers.CharField(source="department.code")
    status = serializers.ChoiceField(choices=Rectification.Status.choices)
    flag = serializers.CharField()
    due_date = serializers.DateField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    applicant_satisfied = serializers.BooleanField(allow_null=True)


class FollowUpInputSerializer(serializers.Serializer):
    satisfied = serializers.BooleanField(help_text=_("Whether the department's answer satisfies the applicant."))


class AnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=4000)
