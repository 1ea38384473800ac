from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Score


class RatingInputSerializer(serializers.Serializer):
    score = serializers.ChoiceField(choices=Score.choices, help_text=_("5 = very satisfied … 1 = very dissatisfied."))
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RatingOutputSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    score_display = serializers.CharField(source="get_score_display")
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()
    rectification_due = serializers.DateField(source="rectification.due_date", allow_null=True, default=None)
