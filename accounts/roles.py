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

    ALL = (
        ACCOUNT_MANAGER,
        CLIENT_SERVICES_LEAD,
        RETAIL_OPERATIONS,
        FLIGHT_ADMINISTRATOR,
        SERVICE_DESK,
        NOTICE_PUBLISHER,
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
}


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
    for name, perms in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is not None:
                wanted.append(permission)
        group.permissions.add(*wanted)
