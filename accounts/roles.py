"""Staff groups and the permissions each one holds: the single source for both.

The data migration ``accounts.0002_staff_groups`` and the ``post_migrate`` hook
both call :func:`sync_staff_groups`, so permissions of apps added later reach
their groups on the next ``migrate``.
"""

from __future__ import annotations


class StaffGroup:
    ACCOUNT_MANAGER = "Account Manager"
    CLIENT_SERVICES_LEAD = "Client Services Lead"
    RETAIL_OPERATIONS = "Retail Operations"
    FLIGHT_ADMINISTRATOR = "Flight Administrator"
    SERVICE_DESK = "Service Desk"
    NOTICE_PUBLISHER = "Notice Publisher"
    # Market Application Support Services (MASS): works the production connectivity testing tickets the Service
    # Desk assigns to its queue (seed 004).
    MARKET_APPLICATION_SUPPORT = "Market Application Support Services"

    ALL = (
        ACCOUNT_MANAGER,
        CLIENT_SERVICES_LEAD,
        RETAIL_OPERATIONS,
        FLIGHT_ADMINISTRATOR,
        SERVICE_DESK,
        NOTICE_PUBLISHER,
        MARKET_APPLICATION_SUPPORT,
    )


_VIEW_DIRECTORY = [
    "accounts.view_marketparticipant",
    "accounts.view_membership",
    "accounts.view_accountmanager",
    "accounts.view_accountmanagerassignment",
    "accounts.view_marketrole",
    "accounts.view_serviceterritory",
    "accounts.view_user",
    "core.view_auditevent",
    "core.view_holiday",
]

# Registration: every staff group may look; the Lead and Retail Operations record the facts Legal processes.
_VIEW_REGISTRATION = [
    f"registration.view_{model}"
    for model in (
        "requirementtype",
        "rolerequirement",
        "application",
        "applicationsequence",
        "contactchange",
        "applicationrequirement",
        "document",
        "sfarecord",
        "puctcertification",
        "qseacknowledgement",
    )
]
_RECORD_REGISTRATION_FACTS = [
    f"registration.{action}_{model}"
    for model in ("sfarecord", "puctcertification", "qseacknowledgement")
    for action in ("add", "change")
]

GROUP_PERMISSIONS: dict[str, list[str]] = {
    StaffGroup.ACCOUNT_MANAGER: _VIEW_DIRECTORY
    + [
        "accounts.change_marketparticipant",
        "accounts.add_membership",
        "accounts.change_membership",
    ],
    StaffGroup.CLIENT_SERVICES_LEAD: _VIEW_DIRECTORY
    + [
        "accounts.add_marketparticipant",
        "accounts.change_marketparticipant",
        "accounts.add_membership",
        "accounts.change_membership",
        "accounts.add_accountmanager",
        "accounts.change_accountmanager",
        "accounts.reassign_account_manager",
        "core.add_holiday",
        "core.change_holiday",
        "core.delete_holiday",
    ],
    StaffGroup.RETAIL_OPERATIONS: list(_VIEW_DIRECTORY),
    StaffGroup.FLIGHT_ADMINISTRATOR: list(_VIEW_DIRECTORY),
    StaffGroup.SERVICE_DESK: _VIEW_DIRECTORY + ["accounts.add_marketparticipant"],
    StaffGroup.NOTICE_PUBLISHER: list(_VIEW_DIRECTORY),
    StaffGroup.MARKET_APPLICATION_SUPPORT: list(_VIEW_DIRECTORY),
}

for _group in StaffGroup.ALL:
    GROUP_PERMISSIONS[_group] = GROUP_PERMISSIONS[_group] + _VIEW_REGISTRATION
for _group in (StaffGroup.CLIENT_SERVICES_LEAD, StaffGroup.RETAIL_OPERATIONS):
    GROUP_PERMISSIONS[_group] = GROUP_PERMISSIONS[_group] + _RECORD_REGISTRATION_FACTS

# Qualification (seed 004): every staff group may look; the Flight Administrator records flights, enrollments
# and results; Retail Operations (and the Lead) issue letters, resend deliveries and follow certificates and
# production connectivity.
_VIEW_QUALIFICATION = [
    f"qualification.view_{model}"
    for model in (
        "flight",
        "businessfunction",
        "enrollment",
        "flightresult",
        "lettersequence",
        "qualificationletter",
        "letterdelivery",
        "certificaterequest",
        "connectivityspec",
        "connectivitytest",
    )
]
_FLIGHT_ADMINISTRATION = [
    f"qualification.{action}_{model}"
    for model in ("flight", "enrollment", "flightresult")
    for action in ("add", "change")
]
_LETTERS = [
    "qualification.change_enrollment",
    "qualification.add_qualificationletter",
    "qualification.change_letterdelivery",
    "qualification.change_certificaterequest",
    "qualification.change_connectivitytest",
]
for _group in StaffGroup.ALL:
    GROUP_PERMISSIONS[_group] = GROUP_PERMISSIONS[_group] + _VIEW_QUALIFICATION
GROUP_PERMISSIONS[StaffGroup.FLIGHT_ADMINISTRATOR] = (
    GROUP_PERMISSIONS[StaffGroup.FLIGHT_ADMINISTRATOR] + _FLIGHT_ADMINISTRATION
)
for _group in (StaffGroup.CLIENT_SERVICES_LEAD, StaffGroup.RETAIL_OPERATIONS):
    GROUP_PERMISSIONS[_group] = GROUP_PERMISSIONS[_group] + _LETTERS

# Plan management: every staff group may look; AMs and the Lead plan, meet, record feedback and improvements.
_PLAN_MODELS = (
    "accountplan",
    "planobjective",
    "actionitem",
    "meeting",
    "meetingattendee",
    "performancefeedback",
    "improvementaction",
)
_VIEW_PLANS = [f"plans.view_{model}" for model in _PLAN_MODELS] + ["plans.view_actionitemreminder"]
_MANAGE_PLANS = [f"plans.{action}_{model}" for model in _PLAN_MODELS for action in ("add", "change")]
for _group in StaffGroup.ALL:
    GROUP_PERMISSIONS[_group] = GROUP_PERMISSIONS[_group] + _VIEW_PLANS
for _group in (StaffGroup.ACCOUNT_MANAGER, StaffGroup.CLIENT_SERVICES_LEAD):
    GROUP_PERMISSIONS[_group] = GROUP_PERMISSIONS[_group] + _MANAGE_PLANS

# Workspace actions (DESIGN.md §1, seeds 000-004). Each app's policies.py checks these in its views and services;
# accounts/action_matrix.py says per workspace URL which groups may post it, and a test holds the two together.
_ACTIONS: dict[str, tuple[str, ...]] = {
    # Cases: AMs, the Lead and the Service Desk (it triages unassigned and potential-MP contacts) work them;
    # everyone replies, since escalations are answered by SMEs of every group; disputes (money) by AMs and the Lead.
    # MASS works the connectivity testing tickets in its queue.
    "cases.work_case": (
        StaffGroup.ACCOUNT_MANAGER,
        StaffGroup.CLIENT_SERVICES_LEAD,
        StaffGroup.SERVICE_DESK,
        StaffGroup.MARKET_APPLICATION_SUPPORT,
    ),
    "cases.reply_case": StaffGroup.ALL,
    "cases.resolve_dispute": (StaffGroup.ACCOUNT_MANAGER, StaffGroup.CLIENT_SERVICES_LEAD),
    # Market incidents (many MPs, one problem): the groups that answer the market's cases.
    "cases.manage_incidents": (StaffGroup.ACCOUNT_MANAGER, StaffGroup.CLIENT_SERVICES_LEAD, StaffGroup.SERVICE_DESK),
    # Registration review decisions: Retail Operations and the Lead; inviting a potential MP from its contact:
    # the Service Desk, AMs and the Lead.
    "registration.decide_application": (StaffGroup.RETAIL_OPERATIONS, StaffGroup.CLIENT_SERVICES_LEAD),
    "registration.invite_potential_participant": (
        StaffGroup.SERVICE_DESK,
        StaffGroup.ACCOUNT_MANAGER,
        StaffGroup.CLIENT_SERVICES_LEAD,
    ),
    # Qualification: the Flight Administrator runs the testing; enrolling an approved registration is also done by
    # Retail Operations and the Lead; the Service Desk runs the production connectivity test ticket (seed 004).
    "qualification.run_testing": (StaffGroup.FLIGHT_ADMINISTRATOR,),
    "qualification.add_enrollment": (
        StaffGroup.FLIGHT_ADMINISTRATOR,
        StaffGroup.RETAIL_OPERATIONS,
        StaffGroup.CLIENT_SERVICES_LEAD,
    ),
    "qualification.change_connectivitytest": (
        StaffGroup.RETAIL_OPERATIONS,
        StaffGroup.CLIENT_SERVICES_LEAD,
        StaffGroup.SERVICE_DESK,
        StaffGroup.MARKET_APPLICATION_SUPPORT,
    ),
    # Market notices: Notice Publishers draft, approve (a second one: four eyes), publish, update and cancel.
    "notices.publish_notice": (StaffGroup.NOTICE_PUBLISHER,),
    # Market education: Account Managers teach and enrol their MPs' people; the Lead runs the programme.
    "education.manage_courses": (StaffGroup.ACCOUNT_MANAGER, StaffGroup.CLIENT_SERVICES_LEAD),
}
# Knowledge base and market rules (education): those who answer cases write articles and cite rules; a second
# person with the publish permission (the Lead, Notice Publishers) approves an article; the Lead keeps the rules.
_KNOWLEDGE: dict[str, tuple[str, ...]] = {
    "education.add_article": (
        StaffGroup.ACCOUNT_MANAGER,
        StaffGroup.CLIENT_SERVICES_LEAD,
        StaffGroup.SERVICE_DESK,
        StaffGroup.NOTICE_PUBLISHER,
    ),
    "education.change_article": (
        StaffGroup.ACCOUNT_MANAGER,
        StaffGroup.CLIENT_SERVICES_LEAD,
        StaffGroup.SERVICE_DESK,
        StaffGroup.NOTICE_PUBLISHER,
    ),
    "education.publish_article": (StaffGroup.CLIENT_SERVICES_LEAD, StaffGroup.NOTICE_PUBLISHER),
    "education.add_citation": (
        StaffGroup.ACCOUNT_MANAGER,
        StaffGroup.CLIENT_SERVICES_LEAD,
        StaffGroup.SERVICE_DESK,
        StaffGroup.NOTICE_PUBLISHER,
    ),
    "education.change_revisionrequest": (StaffGroup.CLIENT_SERVICES_LEAD,),
}
_ACTIONS.update(_KNOWLEDGE)
for _permission, _groups in _ACTIONS.items():
    for _group in _groups:
        if _permission not in GROUP_PERMISSIONS[_group]:
            GROUP_PERMISSIONS[_group] = GROUP_PERMISSIONS[_group] + [_permission]


def sync_staff_groups(apps=None) -> None:
    """Create the staff groups and grant each its permissions (adds, never removes).

    Works with the historical ``apps`` of a migration or the live registry.
    Permissions of models that do not exist yet are skipped.
    """
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = {tuple(dotted.split(".", 1)) for perms in GROUP_PERMISSIONS.values() for dotted in perms}
    by_key = {
        (app_label, codename): pk
        for pk, app_label, codename in Permission.objects.filter(
            content_type__app_label__in={app for app, _ in wanted}, codename__in={code for _, code in wanted}
        ).values_list("pk", "content_type__app_label", "codename")
    }
    for name, perms in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        ids = [by_key[key] for key in (tuple(d.split(".", 1)) for d in perms) if key in by_key]
        group.permissions.add(*ids)
