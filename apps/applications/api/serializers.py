"""Translation only: request bodies in, application representations out."""

import json

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.identity import mask_phone, validate_id_number, validate_uscc
from apps.core.api.fields import IdField
from apps.core.api.serializers import CodeNameSerializer

from .. import clock, law, permissions
from ..completeness import missing_materials
from ..models import ApplicantKind, Channel, DeliveryMethod, Flag, Status, StepStatus, SuspensionKind, VisitPurpose
from ..notices import available_notices

# ---- input ------------------------------------------------------------------------------------------------


class ApplicantInputSerializer(serializers.Serializer):
    """A person (name, id_number, phone) or an enterprise (name, credit_code, agent_name, agent_id_number, phone)."""

    kind = serializers.ChoiceField(choices=ApplicantKind.choices, required=False,
                                   help_text=_("Optional: what the identifiers given say anyway."))
    name = serializers.CharField(max_length=100, help_text=_("The person's name, or the enterprise's registered "
                                                             "name."))
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True,
                                      validators=[validate_id_number],
                                      help_text=_("A person: resident ID number with check digit (GB 11643)."))
    credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True, validators=[validate_uscc],
                                        help_text=_("An enterprise or organisation: unified social credit code with "
                                                    "check character (GB 32100)."))
    agent_name = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                       help_text=_("An enterprise: the person acting for it (经办人)."))
    agent_id_number = serializers.CharField(max_length=18, required=False, allow_blank=True,
                                            validators=[validate_id_number],
                                            help_text=_("An enterprise: the acting person's resident ID number."))
    phone = serializers.RegexField(r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$", max_length=20)

    def validate(self, data):
        enterprise = bool(data.get("credit_code"))
        if enterprise and data.get("id_number"):
            raise serializers.ValidationError({"credit_code": _(
                "Give a resident ID number for a person or a credit code for an enterprise, not both.")})
        if data.get("kind", ApplicantKind.ENTERPRISE if enterprise else ApplicantKind.PERSON) == \
                ApplicantKind.ENTERPRISE:
            return self._enterprise(data)
        if enterprise:
            raise serializers.ValidationError({"credit_code": _("A person has no credit code.")})
        if not data.get("id_number"):
            raise serializers.ValidationError({"id_number": _("Give the person's resident ID number.")})
        given = [name for name in ("agent_name", "agent_id_number") if data.get(name)]
        if given:
            raise serializers.ValidationError({name: _("Only an enterprise has a person acting for it.")
                                               for name in given})
        return data

    def _enterprise(self, data):
        errors = {}
        if data.get("id_number"):
            errors["id_number"] = _("An enterprise is named by its credit code; the acting person's ID number goes "
                                    "in agent_id_number.")
        if not data.get("credit_code"):
            errors["credit_code"] = _("Give the enterprise's unified social credit code.")
        if not data.get("agent_name"):
            errors["agent_name"] = _("Give the name of the person acting for the enterprise.")
        if not data.get("agent_id_number"):
            errors["agent_id_number"] = _("Give the resident ID number of the person acting for the enterprise.")
        if errors:
            raise serializers.ValidationError(errors)
        return data


class ApplicationCreateInputSerializer(serializers.Serializer):
    service_item = serializers.CharField(max_length=32, help_text=_("Service item code."))
    channel = serializers.ChoiceField(choices=Channel.choices)
    delivery_method = serializers.ChoiceField(choices=DeliveryMethod.choices)
    delivery_address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    form_data = serializers.JSONField(required=False, default=dict)
    applicant = ApplicantInputSerializer(required=False, help_text=_("Required when a clerk applies on behalf."))

    def validate_form_data(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("form_data is a JSON object."))
        text = json.dumps(value, ensure_ascii=False)
        if len(text) > 20000:
            raise serializers.ValidationError(_("form_data is too large."))
        if "\\u0000" in json.dumps(value):  # PostgreSQL cannot store NUL characters in text
            raise serializers.ValidationError(_("form_data may not contain NUL characters."))
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone UTF-16 surrogate ("\ud800"), in a value or a key
            raise serializers.ValidationError(_("form_data contains an invalid character (a lone surrogate)."))
        return value


class MaterialUploadInputSerializer(serializers.Serializer):
    material = IdField(help_text=_("Material id from the service item's materials."))
    file = serializers.FileField(help_text=_("PDF, JPEG or PNG."))


class ReceivedItemSerializer(serializers.Serializer):
    material = IdField(help_text=_("Material id from the service item's materials."))
    original = serializers.BooleanField(default=False, help_text=_("The original was shown or handed in."))
    copies = serializers.IntegerField(min_value=0, max_value=20, default=1, help_text=_("Copies handed in."))


class ReceivedMaterialsInputSerializer(serializers.Serializer):
    items = ReceivedItemSerializer(many=True, allow_empty=False)


class AssignInputSerializer(serializers.Serializer):
    assignee = IdField(allow_null=True,
                                        help_text=_("User id of an approver or manager of the step's department; "
                                                    "null gives the step back to the department."))


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class CommentInputSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CorrectionItemSerializer(serializers.Serializer):
    material = IdField()
    problem = serializers.CharField(max_length=500)


class CorrectionInputSerializer(serializers.Serializer):
    items = CorrectionItemSerializer(many=True, allow_empty=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    violation_reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="",
        help_text=_("Only for a further notice, which breaks the one-time-notice rule and is recorded."))


class SuspendInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SuspensionKind.choices)
    reason = serializers.CharField(max_length=2000)


class ExtendInputSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=law.MAX_EXTENSION_WORKDAYS)
    reason = serializers.CharField(max_length=2000)


class DeliverInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=DeliveryMethod.choices)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                      help_text=_("Mail waybill number."))


class WithdrawInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class VisitInputSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=VisitPurpose.choices)
    window = IdField(required=False, help_text=_("Window id; defaults to the clerk's own."))


# ---- output -----------------------------------------------------------------------------------------------


class StepOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    name = serializers.CharField()
    department = serializers.CharField(source="department.name")
    status = serializers.ChoiceField(choices=StepStatus.choices)
    assignee = serializers.SerializerMethodField()
    allotted_days = serializers.IntegerField()
    started_at = serializers.DateTimeField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    due_date_provisional = serializers.SerializerMethodField()
    finished_at = serializers.DateTimeField(allow_null=True)
    flag = serializers.ChoiceField(choices=Flag.choices)
    comment = serializers.CharField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_assignee(self, step):
        return str(step.assignee) if step.assignee_id else step.department.name

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_due_date_provisional(self, step):
        return clock.provisional(step.due_date)


class InboxStepOutputSerializer(StepOutputSerializer):
    application = serializers.IntegerField(source="application_id")
    tracking_number = serializers.CharField(source="application.tracking_number")
    service_item_name = serializers.CharField(source="application.item_version.name")
    application_due_date = serializers.DateField(source="application.due_date", allow_null=True)
    suspended = serializers.BooleanField()


class UploadedMaterialOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    material = serializers.IntegerField(source="material_id")
    material_name = serializers.CharField(source="material.name")
    file_name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, upload):
        return self.context["request"].build_absolute_uri(
            reverse("application-material-download", args=[upload.application_id, upload.pk]))


class EventOutputSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True)
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    payload = serializers.JSONField()
    hash = serializers.CharField()


class VisitOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    hall = serializers.CharField(source="hall.name")
    window = serializers.CharField(source="window.number", allow_null=True, default=None)
    purpose = serializers.ChoiceField(choices=VisitPurpose.choices)
    at = serializers.DateTimeField()


class CorrectionNoticeOutputSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    items = serializers.JSONField()
    note = serializers.CharField()
    issued_at = serializers.DateTimeField()
    is_violation = serializers.BooleanField()
    violation_reason = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)


class SuspensionOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SuspensionKind.choices)
    reason = serializers.CharField()
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    paused_workdays = serializers.IntegerField(allow_null=True)


class ExtensionOutputSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class ServiceItemRefSerializer(serializers.Serializer):
    code = serializers.CharField(source="service_item.code")
    name = serializers.CharField(source="item_version.name")
    version = serializers.IntegerField(source="item_version.number")
    max_visits = serializers.IntegerField(source="item_version.max_visits")
    promised_limit_days = serializers.IntegerField(source="item_version.promised_limit_days")
    legal_limit_days = serializers.IntegerField(source="item_version.legal_limit_days")


class ApplicantOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(source="applicant_kind", choices=ApplicantKind.choices)
    name = serializers.CharField(source="applicant_name", help_text=_("A person's name or an enterprise's name."))
    id_number = serializers.CharField(source="masked_id_number", help_text=_("A person's; masked. Empty for an "
                                                                             "enterprise."))
    credit_code = serializers.CharField(source="applicant_credit_code",
                                        help_text=_("An enterprise's; public, so shown whole. Empty for a person."))
    agent_name = serializers.CharField(help_text=_("An enterprise's acting person."))
    agent_id_number = serializers.CharField(source="masked_agent_id_number", help_text=_("Masked."))
    phone = serializers.SerializerMethodField(help_text=_("Masked."))

    @extend_schema_field(OpenApiTypes.STR)
    def get_phone(self, application):
        return mask_phone(application.applicant_phone)


class ApplicationListOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_number = serializers.CharField()
    service_item = ServiceItemRefSerializer(source="*")
    applicant = ApplicantOutputSerializer(source="*")
    department = CodeNameSerializer()
    hall = CodeNameSerializer(allow_null=True)
    status = serializers.ChoiceField(choices=Status.choices)
    flag = serializers.ChoiceField(choices=Flag.choices)
    suspended = serializers.BooleanField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    delivery_method = serializers.ChoiceField(choices=DeliveryMethod.choices)
    submitted_at = serializers.DateTimeField()
    received_on = serializers.DateField()
    intake_due_on = serializers.DateField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    deemed_accepted = serializers.BooleanField()
    due_date = serializers.DateField(allow_null=True)
    due_date_provisional = serializers.SerializerMethodField()
    legal_due_date = serializers.DateField(allow_null=True)
    legal_due_date_provisional = serializers.SerializerMethodField()
    decided_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    visits_count = serializers.IntegerField(source="visits_total")
    visits_within_limit = serializers.BooleanField(
        help_text=_("Whether the visits so far keep the item's maximum (最多跑一次)."))

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_due_date_provisional(self, application):
        return clock.provisional(application.due_date)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_legal_due_date_provisional(self, application):
        return clock.provisional(application.legal_due_date)


class ReceivedMaterialOutputSerializer(serializers.Serializer):
    material = serializers.IntegerField(source="material_id")
    material_name = serializers.CharField(source="material.name")
    original = serializers.BooleanField()
    copies = serializers.IntegerField()
    received_at = serializers.DateTimeField()


class ApplicationDetailOutputSerializer(ApplicationListOutputSerializer):
    verification_code = serializers.CharField(help_text=_("For public tracking; shown to the applicant and staff."))
    window = serializers.CharField(source="window.number", allow_null=True, default=None)
    delivery_address = serializers.CharField()
    delivery_reference = serializers.CharField()
    form_data = serializers.JSONField()
    decision_reason = serializers.CharField()
    extension_days = serializers.IntegerField()
    paused_workdays = serializers.IntegerField()
    steps = StepOutputSerializer(many=True)
    materials = UploadedMaterialOutputSerializer(many=True)
    received_materials = ReceivedMaterialOutputSerializer(
        many=True, help_text=_("Paper materials recorded as received at a window."))
    missing_materials = serializers.SerializerMethodField(
        help_text=_("Required materials neither uploaded nor received: accepting needs none missing."))
    visits = VisitOutputSerializer(many=True)
    correction_notices = CorrectionNoticeOutputSerializer(many=True)
    suspensions = SuspensionOutputSerializer(many=True)
    extensions = ExtensionOutputSerializer(many=True)
    events = EventOutputSerializer(many=True)
    allowed_actions = serializers.SerializerMethodField()
    notices = serializers.SerializerMethodField(help_text=_("Written notices (PDF) issued so far."))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, application):
        return permissions.allowed_actions(self.context["request"].user, application)

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_missing_materials(self, application):
        return [{"material": m.pk, "name": m.name} for m in missing_materials(application)]

    @extend_schema_field(serializers.DictField(child=serializers.URLField()))
    def get_notices(self, application):
        request = self.context["request"]
        return {kind: request.build_absolute_uri(reverse("application-notice", args=[application.pk, kind]))
                for kind in available_notices(application)}


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Status.choices)


class TrackOutputSerializer(serializers.Serializer):
    tracking_number = serializers.CharField()
    service_item_name = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    suspended = serializers.BooleanField()
    submitted_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    due_date_provisional = serializers.BooleanField()
    current_step = serializers.CharField(allow_null=True)
    timeline = TimelineEntrySerializer(many=True)
