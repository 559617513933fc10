"""What every endpoint shares: problem details (RFC 9457), and strict query parameters for list filters."""

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


class StrictQueryParameters(serializers.Serializer):
    """A list's query parameters: its filters (declared by a subclass) and the cursor pagination's."""

    cursor = serializers.CharField(required=False)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200, help_text="50 unless told.")

    def validate(self, attrs):
        """DRF reads an empty query parameter as one left out, and ignores one it does not know: the schema says a
        value is not empty and names every parameter, so both are refused rather than silently ignored (a typo in a
        filter would otherwise list everything)."""
        errors = {
            name: ["Leave the parameter out rather than empty."]
            for name in self.fields
            if self.initial_data.get(name) == ""
        }
        unknown = [name for name in self.initial_data if name not in self.fields]
        errors.update({name or "(empty name)": ["Unknown parameter."] for name in unknown})
        if errors:
            raise serializers.ValidationError(errors)
        return attrs
