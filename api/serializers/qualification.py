"""Qualification of the key's MP: its enrollments in testing flights with their results, and its letters."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qualification.models import ChangeKind, EnrollmentStatus, FlightStatus, ParticipantKind


class LetterSerializer(serializers.Serializer):
    """A qualification letter's metadata and where its PDF is (``pdf_url``, the API's download).

    Bounded queries when the letter comes with ``enrollment__flight`` and ``enrollment__participant`` joined (as
    ``api.selectors.qualification`` reads it); a bare letter costs two more queries.
    """

    id = serializers.IntegerField()
    number = serializers.CharField()
    issued_on = serializers.DateField()
    effective_date = serializers.DateField()
    enrollment = serializers.IntegerField(source="enrollment_id")
    flight = serializers.CharField(source="enrollment.flight.name")
    change_kind = serializers.ChoiceField(source="enrollment.change_kind", choices=ChangeKind.choices)
    filename = serializers.CharField()
    pdf_url = serializers.SerializerMethodField()

    def get_pdf_url(self, letter) -> str:
        return settings.SITE_URL + reverse("api:v1:qualification-letter-pdf", args=[letter.pk])


class FlightSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="MMYY of its start.")
    status = serializers.ChoiceField(choices=FlightStatus.choices)
    start_date = serializers.DateField()
    end_date = serializers.DateField()


class ResultSerializer(serializers.Serializer):
    """What the Flight Administrator recorded, as the portal shows it (notes included)."""

    completed = serializers.BooleanField()
    tested_on = serializers.DateField()
    trading_partners = serializers.SerializerMethodField()
    business_functions = serializers.SerializerMethodField()
    handed_over_at = serializers.DateTimeField(allow_null=True)
    notes = serializers.CharField()

    def get_trading_partners(self, result) -> list[str]:
        return sorted(partner.legal_name for partner in result.trading_partners.all())

    def get_business_functions(self, result) -> list[str]:
        return [function.code for function in result.business_functions.all()]


class EnrollmentSerializer(serializers.Serializer):
    """An enrollment in a testing flight: its status, the portal's headline for it, its result and its letter.

    Expects what ``api.selectors.qualification.api_enrollments`` reads: ``flight``, ``result`` and ``letter`` joined,
    the result's partners and functions prefetched, and ``headline``/``explanation`` set.
    """

    id = serializers.IntegerField()
    flight = FlightSerializer()
    participant_kind = serializers.ChoiceField(choices=ParticipantKind.choices)
    change_kind = serializers.ChoiceField(choices=ChangeKind.choices)
    status = serializers.ChoiceField(choices=EnrollmentStatus.choices)
    headline = serializers.CharField(help_text="What the portal says of it.")
    explanation = serializers.CharField()
    produces_letter = serializers.BooleanField()
    result = serializers.SerializerMethodField()
    letter = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(ResultSerializer(allow_null=True))
    def get_result(self, enrollment):
        result = getattr(enrollment, "result", None)
        return ResultSerializer(result).data if result is not None else None

    @extend_schema_field(LetterSerializer(allow_null=True))
    def get_letter(self, enrollment):
        letter = getattr(enrollment, "letter", None)
        return LetterSerializer(letter).data if letter is not None else None
