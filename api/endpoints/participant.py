"""The key's Market Participant."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from ..selectors import participant as selectors
from ..serializers.participant import ParticipantSerializer
from .base import ERRORS, ApiView


class ParticipantView(ApiView):
    """The key's Market Participant: names, roles, contacts and its Account Manager."""

    required_scope = ""  # any valid key of the MP
    serializer_class = ParticipantSerializer

    @extend_schema(operation_id="participant_read", responses={200: ParticipantSerializer, **ERRORS})
    def get(self, request):
        participant = selectors.participant_for_api(self.participant)
        return Response(ParticipantSerializer(participant).data)
