"""Every workspace action is allowed only to the groups whose job it is (accounts/action_matrix.py).

The matrix is walked against the URL resolver, so a new workspace URL that accepts POST fails here until it has
a rule. Then every action is posted as every staff group: a group outside the rule gets 403 and nothing changes
(no audit event, no email); a group inside it is not refused (a minimal body may still be a 400 form error).
Key services are also called directly by a wrong-group actor, as a task or the shell would.
"""

from __future__ import annotations

import datetime
from functools import cached_property

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.action_matrix import ACTION_MATRIX
from accounts.roles import StaffGroup
from cases.models import CaseCategory, CaseKind, Channel, Incident, IssuePattern
from cases.services import case_assign
from education.views.staff.knowledge import ACTION_PERMISSIONS as KB_ARTICLE_ACTIONS
from ercot_services.core.models import AuditEvent, DomainError, OutboundEmail
from notices.forms.staff import ACTIONS as NOTICE_ACTIONS
from notices.models import Notice, NoticeAttachment, NoticeType
from notices.services import (
    NoticeInput,
    notice_approve,
    notice_create,
    notice_publish,
    notice_submit_for_review,
)
from plans.models import PlanObjective
from plans.services import (
    ActionItemInput,
    ImprovementActionInput,
    MeetingInput,
    action_item_create,
    feedback_record,
    improvement_action_create,
    meeting_schedule,
    objective_create,
)
from qualification.models import (
    CertificateRequest,
    ChangeKind,
    ConnectivityTest,
    LetterDelivery,
    ParticipantKind,
    QualificationLetter,
)
from qualification.services import delivery_resend, enrollment_create, flight_create, letter_issue
from qualification.views.staff import EnrollmentActionView
from registration.models import ApplicationKind, Document
from registration.services import (
    application_reject,
    application_request_info,
    application_start,
    application_start_review,
    application_submit,
    document_upload,
)
from tests.accounts.factories import (
    AccountManagerFactory,
    AssignmentFactory,
    MembershipFactory,
    ParticipantFactory,
    StaffFactory,
)
from tests.case_inputs import submit_case
from tests.registration.conftest import pdf

pytestmark = pytest.mark.django_db

# URL names whose ``<action>`` argument selects the action, and the actions each accepts.
ACTION_ARGUMENTS = {
    "enrollment-action": sorted(EnrollmentActionView.ACTIONS),
    "notice-action": sorted(NOTICE_ACTIONS),
    "kb-article-action": sorted(KB_ARTICLE_ACTIONS),
}


def _workspace_patterns():
    resolver = next(r for r in get_resolver().url_patterns if isinstance(r, URLResolver) and r.namespace == "workspace")
    return [p for p in resolver.url_patterns if isinstance(p, URLPattern)]


def _accepts_post(pattern: URLPattern) -> bool:
    view_class = getattr(pattern.callback, "view_class", None)
    return view_class is not None and hasattr(view_class, "post")


def workspace_post_actions() -> set[str]:
    keys = set()
    for pattern in _workspace_patterns():
        if _accepts_post(pattern):
            actions = ACTION_ARGUMENTS.get(pattern.name)
            keys.update(f"{pattern.name}/{action}" for action in actions) if actions else keys.add(pattern.name)
    return keys


def test_every_workspace_url_that_accepts_post_has_a_rule_in_the_action_matrix():
    actions = workspace_post_actions()
    assert actions - set(ACTION_MATRIX) == set(), "workspace actions without a rule in accounts/action_matrix.py"
    assert set(ACTION_MATRIX) - actions == set(), "rules in accounts/action_matrix.py for actions that do not exist"


# --- the objects the actions act on, built as a superuser through the services -------------------------------


class World:
    def __init__(self):
        self.admin = StaffFactory(is_superuser=True, full_name="Ada Admin")
        self.manager = AccountManagerFactory()
        self.participant = ParticipantFactory(role_codes=["REP", "LSE"])
        AssignmentFactory(participant=self.participant, account_manager=self.manager)
        self.contact = MembershipFactory(participant=self.participant).user
        self.today = timezone.localdate()

    @cached_property
    def course_enrolment(self):
        from tests.education.factories import CourseSessionFactory, EnrolmentFactory

        session = CourseSessionFactory(instructor=self.admin)
        return EnrolmentFactory(session=session, participant=self.participant, user=self.contact)

    @cached_property
    def category(self):
        return CaseCategory.objects.filter(is_active=True).order_by("sort_order").first()

    @cached_property
    def case(self):
        return submit_case(
            actor=self.admin,
            kind=CaseKind.INQUIRY,
            category=self.category,
            participant=self.participant,
            requester=self.contact,
            channel=Channel.PHONE,
            subject="Missing 867_03 usage",
            description="For March.",
        )

    @cached_property
    def article(self):
        from tests.education.factories import ArticleFactory

        return ArticleFactory(in_review=True, author=self.admin)

    @cached_property
    def citation(self):
        from tests.education.factories import CitationFactory

        return CitationFactory(case=self.case)

    @cached_property
    def other_case(self):
        return submit_case(
            actor=self.admin,
            kind=CaseKind.INQUIRY,
            category=self.category,
            participant=self.participant,
            requester=self.contact,
            channel=Channel.EMAIL,
            subject="Missing 867_03 usage too",
            description="April.",
        )

    @cached_property
    def potential_case(self):
        return submit_case(
            actor=None,
            kind=CaseKind.POTENTIAL_MP,
            category=CaseCategory.objects.get(code="other"),
            subject="We want to become a REP",
            description="Please call us.",
            channel=Channel.WEB_FORM,
            contact={"name": "Pat Prospect", "email": "pat@prospect.example", "company": "Prospect Power LLC"},
        )

    @cached_property
    def pattern(self):
        pattern = IssuePattern.objects.create(
            participant=self.participant,
            category=self.category,
            case_count=3,
            window_days=30,
            last_case_at=timezone.now(),
        )
        pattern.cases.add(self.case)
        return pattern

    @cached_property
    def incident(self):
        incident = Incident.objects.create(
            title="Settlements", dimension="category", key="settlements", key_label="Settlements"
        )
        incident.cases.add(self.case)
        return incident

    @cached_property
    def objective(self):
        return objective_create(
            actor=self.admin, participant=self.participant, kind=PlanObjective.Kind.OBJECTIVE, title="Qualify"
        )

    @cached_property
    def action_item(self):
        return action_item_create(
            actor=self.admin,
            participant=self.participant,
            data=ActionItemInput(
                title="Send the SFA", owner=self.manager.user, due_date=self.today + datetime.timedelta(days=7)
            ),
        )

    @cached_property
    def meeting(self):
        starts = timezone.now() + datetime.timedelta(days=3)
        return meeting_schedule(
            actor=self.admin,
            participant=self.participant,
            data=MeetingInput(
                title="Quarterly review",
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=1),
                attendees=[self.manager.user],
            ),
        )

    @cached_property
    def feedback(self):
        return feedback_record(
            actor=self.admin, participant=self.participant, channel="meeting", rating=2, comments="Slow"
        )

    @cached_property
    def improvement(self):
        return improvement_action_create(
            actor=self.admin,
            participant=self.participant,
            data=ImprovementActionInput(
                kind="training",
                title="TX SET training",
                owner=self.manager.user,
                due_date=self.today + datetime.timedelta(days=30),
            ),
        )

    @cached_property
    def application(self):
        ar = self.contact  # the primary Authorized Representative
        application = application_start(
            actor=ar,
            participant=self.participant,
            kind=ApplicationKind.REVISION,
            role_codes=(),
            change_types=("contacts",),
        )
        for line in application.requirements.select_related("requirement"):
            document_upload(actor=ar, line=line, upload=pdf(f"{line.requirement.code}.pdf"))
        return application_submit(actor=ar, application=application, attest=True)

    @cached_property
    def document(self):
        return Document.objects.filter(line__application=self.application).first()

    @cached_property
    def flight(self):
        start = (self.today.replace(day=1) + datetime.timedelta(days=70)).replace(day=1)
        return flight_create(
            actor=self.admin,
            start_date=start,
            end_date=start + datetime.timedelta(weeks=6),
            application_deadline=start - datetime.timedelta(days=14),
            registration_deadline=start - datetime.timedelta(days=30),
        )

    @cached_property
    def enrollment(self):
        return enrollment_create(
            actor=self.admin,
            flight=self.flight,
            participant=self.participant,
            participant_kind=ParticipantKind.CURRENT,
            change_kind=ChangeKind.NEW_TERRITORY,
        )

    @cached_property
    def delivery(self):
        letter = QualificationLetter.objects.create(
            enrollment=self.enrollment,
            number="QL-TEST-0001",
            issued_on=self.today,
            effective_date=self.today,
            pdf="qualification/letters/QL-TEST-0001.pdf",
            generated_by=self.admin,
        )
        return LetterDelivery.objects.create(
            letter=letter,
            email="ar@example.com",
            name="Ann Rep",
            kind=LetterDelivery.Kind.TO,
            capacity="AR",
            status=LetterDelivery.Status.FAILED,
        )

    @cached_property
    def certificate(self):
        return CertificateRequest.objects.create(participant=self.participant, enrollment=self.enrollment)

    @cached_property
    def connectivity_test(self):
        return ConnectivityTest.objects.create(participant=self.participant, enrollment=self.enrollment)

    def notice(self, status: str) -> Notice:
        publisher = StaffFactory(groups=[StaffGroup.NOTICE_PUBLISHER])
        notice = notice_create(
            actor=publisher,
            data=NoticeInput(
                notice_type=NoticeType.objects.first(),
                short_description="Settlement re-run",
                long_description="ERCOT re-ran the Operating Day.",
            ),
        )
        if status == "draft":
            return notice
        notice_submit_for_review(actor=publisher, notice=notice)
        if status == "in_review":
            return notice
        notice_approve(actor=self.admin, notice=notice)
        if status == "approved":
            return notice
        return notice_publish(actor=self.admin, notice=notice)

    @cached_property
    def attachment(self):
        notice = self.notice("draft")
        return NoticeAttachment.objects.create(
            notice=notice, file="notices/x.pdf", original_name="x.pdf", content_type="application/pdf", size=1
        )


NOTICE_STATUS_FOR = {
    "submit": "draft",
    "return": "in_review",
    "approve": "in_review",
    "schedule": "approved",
    "publish": "approved",
    "update": "published",
    "cancel": "published",
}


def url_for(key: str, world: World) -> str:
    """The URL of ``key`` pointed at a valid target object."""
    name, _, action = key.partition("/")
    by_reference = lambda obj: [obj.reference]  # noqa: E731
    args = {
        "participant-reassign": lambda: [world.participant.pk],
        "book-reassign": lambda: [world.manager.pk],
        "case-new": list,
        "cases-bulk": list,
        "pattern-dismiss": lambda: [world.pattern.pk],
        "pattern-detail": lambda: [world.pattern.pk],
        "plan-edit": lambda: [world.participant.pk],
        "objective-new": lambda: [world.participant.pk],
        "objective-edit": lambda: [world.objective.pk],
        "objective-status": lambda: [world.objective.pk],
        "action-item-new": lambda: [world.participant.pk],
        "action-item-edit": lambda: [world.action_item.pk],
        "action-item-transition": lambda: [world.action_item.pk],
        "meeting-new": lambda: [world.participant.pk],
        "meeting-edit": lambda: [world.meeting.pk],
        "meeting-cancel": lambda: [world.meeting.pk],
        "meeting-minutes": lambda: [world.meeting.pk],
        "meeting-share-minutes": lambda: [world.meeting.pk],
        "feedback-new": lambda: [world.participant.pk],
        "feedback-follow-up": lambda: [world.feedback.pk],
        "improvement-new": lambda: [world.participant.pk],
        "improvement-status": lambda: [world.improvement.pk],
        "application-document-review": lambda: [world.document.pk],
        "participant-facts": lambda: [world.participant.pk],
        "case-invite": lambda: by_reference(world.potential_case),
        "flight-new": list,
        "enrollment-new": list,
        "enrollment-action": lambda: [world.enrollment.pk, action],
        "delivery-resend": lambda: [world.delivery.pk],
        "certificate-advance": lambda: [world.certificate.pk],
        "connectivity-record": lambda: [world.connectivity_test.pk],
        "connectivity-ticket": lambda: [world.connectivity_test.pk],
        "notice-new": list,
        "notice-from-dispute": lambda: by_reference(world.case),
        "notice-preview": list,
        "notice-edit": lambda: [world.notice("draft").pk],
        "notice-attach": lambda: [world.notice("draft").pk],
        "notice-detach": lambda: [world.attachment.notice_id, world.attachment.pk],
        "notice-action": lambda: [world.notice(NOTICE_STATUS_FOR[action]).pk, action],
        "course-session-new": list,
        "course-session-edit": lambda: [world.course_enrolment.session_id],
        "course-session-cancel": lambda: [world.course_enrolment.session_id],
        "course-session-attendance": lambda: [world.course_enrolment.session_id],
        "course-session-enrol": lambda: [world.course_enrolment.session_id],
        "course-enrolment-cancel": lambda: [world.course_enrolment.pk],
        "participant-recommend-course": lambda: [world.participant.pk],
        "kb-article-new": list,
        "kb-article-edit": lambda: [world.article.pk],
        "kb-article-action": lambda: [world.article.pk, action],
        "citation-add": list,
        "citation-remove": lambda: [world.citation.pk],
    }
    if name.startswith("case-"):
        args.setdefault(name, lambda: by_reference(world.case))
    if name.startswith("incident-") or name == "notice-from-incident":
        args.setdefault(name, lambda: [world.incident.pk])
    if name.startswith("application-"):
        args.setdefault(name, lambda: by_reference(world.application))
    return reverse(f"workspace:{name}", args=args[name]())


def _body(key: str, world: World) -> dict:
    """A minimal body: enough to name the target where the form needs one, never a valid full action."""
    if key == "cases-bulk":
        return {"cases": [world.case.pk], "action": "close", "reason": ""}
    if key == "case-merge" or key == "case-link":
        return {"target": world.other_case.reference, "other": world.other_case.reference}
    return {}


def _counts() -> tuple[int, int, int]:
    return AuditEvent.objects.count(), OutboundEmail.objects.count(), len(mail.outbox)


@pytest.mark.parametrize("key", sorted(ACTION_MATRIX))
def test_each_staff_group_may_post_only_the_actions_of_its_job(key, client):
    world = World()
    url = url_for(key, world)
    body = _body(key, world)
    allowed = ACTION_MATRIX[key]
    # Refused groups first, so the state they see is the one the allowed groups start from.
    for group in sorted(StaffGroup.ALL, key=lambda g: g in allowed):
        client.force_login(StaffFactory(groups=[group]))
        before = _counts()
        response = client.post(url, body)
        if group in allowed:
            assert response.status_code != 403, f"{group} was refused {key}"
            assert response.status_code < 500
        else:
            assert response.status_code == 403, f"{group} may post {key} (status {response.status_code})"
            assert _counts() == before, f"{group} was refused {key} but something was written or sent"


# --- the services refuse a wrong-group actor too ------------------------------------------------------------------


@pytest.fixture
def world(db):
    return World()


def _member_of(group: str):
    return StaffFactory(groups=[group])


def test_a_notice_publisher_cannot_start_review_request_information_or_reject_an_application(world):
    publisher = _member_of(StaffGroup.NOTICE_PUBLISHER)
    flight_admin = _member_of(StaffGroup.FLIGHT_ADMINISTRATOR)
    application = world.application
    with pytest.raises(DomainError, match="Retail Operations"):
        application_start_review(actor=publisher, application=application)
    application_start_review(actor=world.admin, application=application)
    with pytest.raises(DomainError, match="Retail Operations"):
        application_request_info(actor=flight_admin, application=application, message="Send page 4.")
    with pytest.raises(DomainError, match="Retail Operations"):
        application_reject(actor=publisher, application=application, reason="Incomplete")
    assert AuditEvent.objects.filter(actor__in=[publisher, flight_admin]).count() == 0


def test_only_notice_publishers_publish_and_only_retail_operations_send_letters(world):
    account_manager = world.manager.user
    approved = world.notice("approved")
    with pytest.raises(DomainError, match="Notice Publisher"):
        notice_publish(actor=account_manager, notice=approved)
    with pytest.raises(DomainError, match="Retail Operations"):
        letter_issue(
            actor=_member_of(StaffGroup.FLIGHT_ADMINISTRATOR), enrollment=world.enrollment, effective_date=world.today
        )
    with pytest.raises(DomainError, match="Retail Operations"):
        delivery_resend(actor=_member_of(StaffGroup.NOTICE_PUBLISHER), delivery=world.delivery)


def test_a_case_is_assigned_only_by_someone_who_works_cases(world):
    with pytest.raises(DomainError, match="Account Managers"):
        case_assign(actor=_member_of(StaffGroup.NOTICE_PUBLISHER), case=world.case, assignee=world.admin)
    case_assign(actor=_member_of(StaffGroup.SERVICE_DESK), case=world.case, assignee=world.admin)


# --- pages stay open to all staff, and show only the buttons the viewer may use ------------------------------------


def test_the_review_page_shows_the_decision_buttons_only_to_those_who_decide(world, client):
    application = world.application
    start_review = reverse("workspace:application-start-review", args=[application.reference])
    client.force_login(_member_of(StaffGroup.NOTICE_PUBLISHER))
    page = client.get(application.get_absolute_url())
    assert page.status_code == 200 and start_review not in page.content.decode()
    client.force_login(_member_of(StaffGroup.RETAIL_OPERATIONS))
    assert start_review in client.get(application.get_absolute_url()).content.decode()


def test_the_case_page_offers_a_replying_expert_no_case_work_buttons(world, client):
    case = world.case
    client.force_login(_member_of(StaffGroup.FLIGHT_ADMINISTRATOR))
    html = client.get(case.get_absolute_url()).content.decode()
    assert reverse("workspace:case-reply", args=[case.reference]) in html
    for name in ("case-assign", "case-transition", "case-clone", "case-merge"):
        assert reverse(f"workspace:{name}", args=[case.reference]) not in html
    client.force_login(_member_of(StaffGroup.SERVICE_DESK))
    html = client.get(case.get_absolute_url()).content.decode()
    assert reverse("workspace:case-assign", args=[case.reference]) in html


def test_the_enrollment_page_shows_connectivity_recording_to_the_service_desk_and_not_to_the_flight_administrator(
    world, client
):
    test = world.connectivity_test
    record = reverse("workspace:connectivity-record", args=[test.pk])
    client.force_login(_member_of(StaffGroup.SERVICE_DESK))
    assert record in client.get(world.enrollment.get_absolute_url()).content.decode()
    client.force_login(_member_of(StaffGroup.FLIGHT_ADMINISTRATOR))
    assert record not in client.get(world.enrollment.get_absolute_url()).content.decode()


def test_a_dispute_is_resolved_only_by_account_managers_and_the_lead(world, client):
    from cases.models import CaseStatus, DisputeOutcome
    from cases.services import case_start_work, dispute_resolve
    from tests.cases.factories import dispute_fields

    dispute = submit_case(
        actor=world.contact,
        kind=CaseKind.DISPUTE,
        category=world.category,
        participant=world.participant,
        subject="DAM charge looks wrong",
        description="Doubled.",
        dispute=dispute_fields(),
    )
    service_desk = _member_of(StaffGroup.SERVICE_DESK)
    case_start_work(actor=service_desk, case=dispute)
    resolve = {"to_status": CaseStatus.RESOLVED, "outcome": DisputeOutcome.DENIED, "outcome_explanation": "Correct."}

    client.force_login(service_desk)
    assert client.post(reverse("workspace:case-transition", args=[dispute.reference]), resolve).status_code == 403
    with pytest.raises(DomainError, match="resolve disputes"):
        dispute_resolve(actor=service_desk, case=dispute, outcome=DisputeOutcome.DENIED, outcome_explanation="Correct.")
    client.force_login(world.manager.user)
    assert client.post(reverse("workspace:case-transition", args=[dispute.reference]), resolve).status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == CaseStatus.RESOLVED
