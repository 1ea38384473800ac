from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api.serializers import CodeNameSerializer

from ..models import Role


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()


class RegisterInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)
    name = serializers.CharField(max_length=100)
    id_number = serializers.CharField(max_length=18, help_text=_("Resident ID number, GB 11643, with check digit."))
    phone = serializers.RegexField(r"^1\d{10}$", max_length=11,
                                   error_messages={"invalid": _("Enter an 11-digit mobile number.")})


class RegisterEnterpriseInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)
    name = serializers.CharField(max_length=100, help_text=_("The enterprise's registered name."))
    credit_code = serializers.CharField(max_length=18, help_text=_("Unified social credit code, GB 32100, with "
                                                                   "check character."))
    agent_name = serializers.CharField(max_length=100, help_text=_("The person acting for the enterprise."))
    agent_id_number = serializers.CharField(max_length=18, help_text=_("The acting person's resident ID number, "
                                                                       "GB 11643, with check digit."))
    phone = serializers.RegexField(r"^1\d{10}$", max_length=11,
                                   error_messages={"invalid": _("Enter an 11-digit mobile number.")})


class MeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    department = CodeNameSerializer(allow_null=True)
    hall = CodeNameSerializer(allow_null=True)
    id_number = serializers.CharField(source="masked_id_number", help_text=_("Masked."))


class AssigneeOutputSerializer(serializers.Serializer):
    """Someone a step may be given to (`{"assignee": id}`)."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
