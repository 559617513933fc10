"""The requirements checklist: which documents an application needs, per market role (administrator data)."""

import pytest

from accounts.models import MarketRole
from registration.models import ApplicationKind, RequirementStatus, RequirementType, RoleRequirement
from registration.services import application_update, document_upload, missing_lines

from .conftest import codes, line, pdf

pytestmark = pytest.mark.django_db

LSE_REP = {"form-b", "sfa", "puct-certification", "form-h"}
EXPECTED = {
    "REP": LSE_REP,
    "LSE": LSE_REP,
    "QSE": {"form-g", "sfa"},
    "TDSP": {"form-j", "sfa"},
    "RE": {"form-i", "sfa"},
    "CRRAH": {"form-a", "sfa"},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_an_initial_registration_lists_the_requirements_of_its_role(kit, prospect, prospect_ar, role):
    application = kit.start(prospect, prospect_ar, roles=[role])

    assert codes(application) == EXPECTED[role]
    assert {line.requirement.code for line in missing_lines(application)} == EXPECTED[role]
    assert set(application.requirements.values_list("status", flat=True)) == {RequirementStatus.MISSING}


def test_the_seeded_names_say_what_to_provide(kit, prospect, prospect_ar):
    application = kit.start(prospect, prospect_ar, roles=["REP"])
    names = [line.requirement.name for line in application.requirements.select_related("requirement")]

    assert names == [
        "LSE application (Form B)",
        "Signed Standard Form Market Participant Agreement (SFA)",
        "PUCT certification (number and certificate)",
        "QSE Acknowledgement (Form H) naming a QSE",
    ]


def test_roles_that_share_a_requirement_list_it_once(kit, prospect, prospect_ar):
    application = kit.start(prospect, prospect_ar, roles=["REP", "LSE", "QSE"])

    assert codes(application) == LSE_REP | {"form-g"}
    assert application.requirements.filter(requirement__code="sfa").count() == 1


def test_a_revision_adds_the_notice_of_change_of_information(kit, participant, ar):
    name_change = kit.start(participant, ar, kind=ApplicationKind.REVISION, changes=["name"])
    add_qse = kit.start(participant, ar, kind=ApplicationKind.REVISION, roles=["QSE"], changes=["add_role"])

    assert codes(name_change) == {"form-e"}
    assert codes(add_qse) == {"form-g", "sfa", "form-e"}


def test_changing_roles_on_a_draft_resyncs_the_checklist(kit, prospect, prospect_ar):
    application = kit.start(prospect, prospect_ar, roles=["REP"])
    document_upload(actor=prospect_ar, line=line(application, "form-b"), upload=pdf("form-b.pdf"))

    application_update(actor=prospect_ar, application=application, role_codes=["QSE"])

    # Untouched lines of the old role go; the line with a document stays; the new role's lines come.
    assert codes(application) == {"form-b", "form-g", "sfa"}
    assert line(application, "form-b").documents.count() == 1
    # Only what the roles now require is still missing.
    assert {line.requirement.code for line in missing_lines(application)} == {"form-g", "sfa"}

    application_update(actor=prospect_ar, application=application, role_codes=["REP", "QSE"])
    assert codes(application) == LSE_REP | {"form-g"}
    assert line(application, "form-b").status == RequirementStatus.PROVIDED


def test_a_line_keeps_its_status_when_the_roles_change(kit, prospect, prospect_ar):
    application = kit.start(prospect, prospect_ar, roles=["QSE"])
    document_upload(actor=prospect_ar, line=line(application, "sfa"), upload=pdf("sfa.pdf"))

    application_update(actor=prospect_ar, application=application, role_codes=["QSE", "RE"])

    assert line(application, "sfa").status == RequirementStatus.PROVIDED
    assert {line.requirement.code for line in missing_lines(application)} == {"form-g", "form-i"}


def test_editing_the_role_requirements_changes_the_checklist(kit, prospect, prospect_ar):
    qse = MarketRole.objects.get(code="QSE")
    credit = RequirementType.objects.create(code="credit-application", name="Credit application", sort_order=65)
    RoleRequirement.objects.create(role=qse, requirement=credit)
    RoleRequirement.objects.filter(role=qse, requirement__code="sfa").delete()

    application = kit.start(prospect, prospect_ar, roles=["QSE"])

    assert codes(application) == {"form-g", "credit-application"}


def test_a_requirement_without_a_document_is_never_missing(kit, prospect, prospect_ar):
    qse = MarketRole.objects.get(code="QSE")
    interview = RequirementType.objects.create(code="interview", name="Onboarding call", needs_document=False)
    RoleRequirement.objects.create(role=qse, requirement=interview)

    application = kit.start(prospect, prospect_ar, roles=["QSE"])

    assert "interview" in codes(application)
    assert {line.requirement.code for line in missing_lines(application)} == {"form-g", "sfa"}
