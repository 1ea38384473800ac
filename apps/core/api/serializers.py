from rest_framework import serializers


class CodeNameSerializer(serializers.Serializer):
    """A department or a hall as every part of the API shows it: `{code, name}`."""

    code = serializers.CharField()
    name = serializers.CharField()
