"""The public guide as JSON: an item's current version, translated field by field."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.serializers import CodeNameSerializer

from ..models import ItemVersion, VersionMaterial, VersionStep


class GuideListSerializer(serializers.ModelSerializer):
    """One row of the public list (API contract)."""

    code = serializers.CharField(source="item.code")
    department = CodeNameSerializer()

    class Meta:
        model = ItemVersion
        fields = ["code", "name", "item_type", "department", "promised_limit_days", "legal_limit_days",
                  "max_visits", "online", "instant"]


class GuideMaterialSerializer(serializers.ModelSerializer):
    """`id` is the VersionMaterial id: applications attach files against it."""

    class Meta:
        model = VersionMaterial
        fields = ["id", "name", "original", "copies", "required", "notes"]


class GuideStepSerializer(serializers.ModelSerializer):
    department = serializers.SerializerMethodField()

    class Meta:
        model = VersionStep
        fields = ["order", "name", "allotted_days", "department"]

    @extend_schema_field(CodeNameSerializer)
    def get_department(self, step):
        """A step without a department of its own is handled by the item's responsible department."""
        return CodeNameSerializer(step.department or step.version.department).data


class GuideDetailSerializer(GuideListSerializer):
    """The full service guide (服务指南) of the current version (API contract plus the guide's other fields)."""

    version = serializers.IntegerField(source="number")
    item_type_display = serializers.CharField(source="get_item_type_display")
    materials = GuideMaterialSerializer(many=True)
    steps = GuideStepSerializer(many=True)

    class Meta(GuideListSerializer.Meta):
        fields = [
            "code", "name", "item_type", "item_type_display", "department", "legal_basis", "conditions",
            "process", "fee", "fee_basis", "legal_limit_days", "promised_limit_days", "max_visits",
            "visit_reason", "online", "instant", "result_name", "consultation_phone", "complaint_phone", "faq",
            "materials", "steps", "version", "published_at",
        ]
