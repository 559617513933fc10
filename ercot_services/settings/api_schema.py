"""drf-spectacular's settings: how the API's schema (``/api/schema/``) and its documentation are generated."""

SPECTACULAR_SETTINGS = {
    "TITLE": "ERCOT Client Services API",
    "DESCRIPTION": (
        "Your Market Participant's cases, market notices, qualification and registration, read with an API key "
        "(Authorization: Bearer <key>)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI from our own static files (drf-spectacular-sidecar), never a CDN: the CSP allows only 'self'.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several resources have a "kind" and a "status": each choice set keeps its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "CaseKindEnum": "cases.models.CaseKind",
        "CaseStatusEnum": "cases.models.CaseStatus",
        "NoticeKindEnum": "notices.models.Notice.Kind",
        "ApplicationKindEnum": "registration.models.ApplicationKind",
        "ApplicationStatusEnum": "registration.models.ApplicationStatus",
        "RequirementStatusEnum": "registration.models.RequirementStatus",
        "EnrollmentStatusEnum": "qualification.models.EnrollmentStatus",
        "FlightStatusEnum": "qualification.models.FlightStatus",
    },
}
