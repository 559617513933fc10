"""What every endpoint shares: problem details (RFC 9457)."""

from __future__ import annotations

from rest_framework import serializers


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, with our stable ``code`` and, for invalid input, the field errors."""

    type = serializers.URLField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
