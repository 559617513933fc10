"""What drf-spectacular needs to describe the API (loaded by ``ApiConfig.ready``): our authentication, and
:class:`ApiAutoSchema`, the schema class of every view (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_doc
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key created by your company's User Security Administrator in the portal, or a "
            "staff key issued by an administrator (it names the Market Participant in X-Participant).",
        }


def idempotency_key_parameter() -> OpenApiParameter:
    from .idempotency import HEADER, KEY_PATTERN

    return OpenApiParameter(
        HEADER,
        {"type": "string", "minLength": 1, "maxLength": 255, "pattern": f"^{KEY_PATTERN.pattern}$"},
        OpenApiParameter.HEADER,
        required=False,
        description=(
            "Recommended. A key of your choice (a UUID) that makes the POST safe to retry: a retry with the same key "
            "and body within 24 hours gets the first answer (with `Idempotent-Replayed: true`) and does nothing "
            "again. The same key with a different request is a 422 problem; while the first request still runs, a "
            "409 problem."
        ),
    )


class ApiAutoSchema(AutoSchema):
    """What every ``ApiView`` operation shares, so an endpoint module declares none of it: the ``X-Participant``
    header of staff keys with its 400 and 404 problems, the ``Idempotency-Key`` header of every POST with its 409 and
    422 problems, and ``deprecated`` for a view with ``deprecated_at``."""

    def _api_view(self) -> bool:
        from .endpoints.base import ApiView

        return isinstance(self.view, ApiView)

    def get_description(self) -> str:
        """The view's own docstring or its method's, never one inherited from ``ApiView`` (written for us, not for
        the API's readers)."""
        if self._api_view() and type(self.view).__doc__ is None:
            return get_doc(getattr(self.view, self.method.lower(), None))
        return super().get_description()

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._api_view():
            from .endpoints.base import PARTICIPANT_HEADER

            parameters.append(
                OpenApiParameter(
                    PARTICIPANT_HEADER,
                    str,
                    OpenApiParameter.HEADER,
                    required=False,
                    description="Staff keys only, and then required: the short name of the Market Participant the "
                    "call reads. An MP's key always acts for its own MP and ignores it.",
                )
            )
            if self.method == "POST":
                parameters.append(idempotency_key_parameter())
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self._api_view():
            from .endpoints.base import PROBLEM_MEDIA_TYPE
            from .serializers.common import ProblemSerializer

            problem = OpenApiResponse(ProblemSerializer, description="Problem details")
            for code in ("400", "404", *(("409", "422") if self.method == "POST" else ())):
                if code not in responses:
                    responses[code] = self._get_response_for_code(problem, code, (PROBLEM_MEDIA_TYPE,), direction)
        return responses

    def is_deprecated(self) -> bool:
        return super().is_deprecated() or getattr(self.view, "deprecated_at", None) is not None
