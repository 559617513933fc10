"""Action items: owners and links of the same MP, the transition map, portal completion, reminders once."""

import datetime

import pytest

from ercot_services.core.calendar import business_calendar
from ercot_services.core.models import AuditEvent, DomainError, OutboundEmail
from plans.models import ActionItem, ActionItemReminder, ActionItemStatus, ActionSide
from plans.services import (
    ActionItemInput,
    action_item_create,
    action_item_send_reminders,
    action_item_transition,
    action_item_update,
    objective_create,
)
from plans.tasks import send_action_item_reminders
from tests.accounts.factories import MembershipFactory
from tests.cases.factories import SubmittedCaseFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def create(am, participant):
    def _create(**overrides):
        values = {
            "title": "Send the updated QSE acknowledgement (Form H)",
            "owner": am,
            "due_date": D(2026, 12, 10),
        }
        values.update(overrides)
        return action_item_create(actor=am, participant=participant, data=ActionItemInput(**values))

    return _create


def test_the_side_follows_the_owner_and_the_owner_is_emailed(
    create, am, contact, colleague, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        mine = create()
        theirs = create(owner=contact, title="Return the signed SFA")
        staff = create(owner=colleague, title="Check the credit limit")

    assert mine.side == ActionSide.OPERATOR
    assert theirs.side == ActionSide.PARTICIPANT
    assert staff.side == ActionSide.OPERATOR
    # Nobody is emailed about an item they gave themselves.
    assert sorted(m.to[0] for m in mailoutbox) == sorted([contact.email, colleague.email])
    to_contact = next(m for m in mailoutbox if m.to == [contact.email])
    assert "Return the signed SFA" in to_contact.body
    assert "/portal/plan/" in to_contact.body
    assert AuditEvent.objects.filter(verb="action_item.created").count() == 3


def test_an_owner_from_another_mp_is_refused(create, other_mp_user):
    with pytest.raises(DomainError, match="neither Client Services staff nor an active contact"):
        create(owner=other_mp_user)
    assert not ActionItem.objects.exists()


def test_links_must_belong_to_the_same_mp(create, am, participant, other_participant, mp_user, other_mp_user):
    foreign_case = SubmittedCaseFactory(participant=other_participant, actor=other_mp_user)
    with pytest.raises(DomainError, match="belongs to another Market Participant"):
        create(case=foreign_case)
    foreign_objective = objective_create(actor=am, participant=other_participant, kind="issue", title="Theirs")
    with pytest.raises(DomainError, match="belongs to another Market Participant"):
        create(objective=foreign_objective)

    own_case = SubmittedCaseFactory(participant=participant, actor=mp_user)
    objective = objective_create(actor=am, participant=participant, kind="objective", title="Ours")
    item = create(case=own_case, objective=objective)
    assert (item.case, item.objective) == (own_case, objective)

    with pytest.raises(DomainError, match="belongs to another Market Participant"):
        action_item_update(
            actor=am,
            item=item,
            data=ActionItemInput(title=item.title, description="", owner=am, due_date=item.due_date, case=foreign_case),
        )


def test_the_transition_map_is_enforced_and_done_records_completion(create, am):
    item = create()
    item = action_item_transition(actor=am, item=item, to=ActionItemStatus.DONE, note="Filed on Dec 3.")
    assert item.status == ActionItemStatus.DONE
    assert item.completed_by == am and item.completed_at is not None
    assert item.completion_note == "Filed on Dec 3."

    with pytest.raises(DomainError, match="cannot become In progress"):
        action_item_transition(actor=am, item=item, to=ActionItemStatus.IN_PROGRESS)
    with pytest.raises(DomainError, match="already done"):
        action_item_transition(actor=am, item=item, to=ActionItemStatus.DONE)

    item = action_item_transition(actor=am, item=item, to=ActionItemStatus.OPEN, note="Form was rejected")
    assert (item.completed_at, item.completed_by, item.completion_note) == (None, None, "")
    events = AuditEvent.objects.filter(verb="action_item.status_changed", target_object_id=str(item.pk))
    assert [event.changes["status"] for event in events.order_by("pk")] == [["open", "done"], ["done", "open"]]


def test_a_portal_user_completes_only_its_own_mps_participant_side_items(
    create, am, contact, second_contact, other_mp_user, account_manager, django_capture_on_commit_callbacks, mailoutbox
):
    theirs = create(owner=contact, title="Return the signed SFA")
    ours = create(owner=am, title="Countersign the SFA")

    with pytest.raises(DomainError, match="only update action items your company owns"):
        action_item_transition(actor=other_mp_user, item=theirs, to=ActionItemStatus.DONE)
    with pytest.raises(DomainError, match="only update action items your company owns"):
        action_item_transition(actor=contact, item=ours, to=ActionItemStatus.DONE)
    with pytest.raises(DomainError, match="Account Manager to cancel"):
        action_item_transition(actor=contact, item=theirs, to=ActionItemStatus.CANCELLED)

    mailoutbox.clear()
    # Any active contact of the MP may complete its side's items, not only the owner.
    with django_capture_on_commit_callbacks(execute=True):
        done = action_item_transition(
            actor=second_contact, item=theirs, to=ActionItemStatus.DONE, note="Sent by courier"
        )
    assert done.status == ActionItemStatus.DONE and done.completed_by == second_contact
    assert [m.to for m in mailoutbox] == [[am.email]]
    assert "Sent by courier" in mailoutbox[0].body


def test_reminders_due_soon_and_overdue_are_sent_once_per_item_kind_and_due_date(
    create, am, contact, django_capture_on_commit_callbacks, mailoutbox
):
    today = D(2026, 12, 7)  # a Monday
    soon = create(title="Due soon", owner=contact, due_date=business_calendar().add_business_days(today, 2))
    late = create(title="Overdue", owner=am, due_date=D(2026, 12, 1))
    create(title="Far away", due_date=D(2027, 1, 29))
    finished = create(title="Done already", due_date=D(2026, 12, 1))
    action_item_transition(actor=am, item=finished, to=ActionItemStatus.DONE)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert action_item_send_reminders(today=today) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert action_item_send_reminders(today=today) == 0
        send_action_item_reminders.delay(today="2026-12-07")

    assert len(mailoutbox) == 2
    to_contact = next(m for m in mailoutbox if m.to == [contact.email])
    assert to_contact.cc == [am.email]  # the AM is copied on participant-side reminders
    assert "due soon" in to_contact.subject
    to_am = next(m for m in mailoutbox if m.to == [am.email])
    assert to_am.cc == [] and "overdue" in to_am.subject
    assert set(ActionItemReminder.objects.values_list("item__title", "kind")) == {
        ("Due soon", "due_soon"),
        ("Overdue", "overdue"),
    }

    # The due-soon item becomes overdue: that is a new kind of reminder.
    with django_capture_on_commit_callbacks(execute=True):
        assert action_item_send_reminders(today=soon.due_date + datetime.timedelta(days=1)) == 1
    # Rescheduling the overdue item arms its reminders again.
    action_item_update(
        actor=am, item=late, data=ActionItemInput(title=late.title, description="", owner=am, due_date=D(2026, 12, 4))
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert action_item_send_reminders(today=today) == 1
    assert OutboundEmail.objects.filter(key__contains=":reminder:").count() == 4
    assert AuditEvent.objects.filter(verb="action_item.reminded").count() == 4


def test_reassigning_emails_the_new_owner(create, am, contact, django_capture_on_commit_callbacks, mailoutbox):
    item = create()
    with django_capture_on_commit_callbacks(execute=True):
        item = action_item_update(
            actor=am,
            item=item,
            data=ActionItemInput(title=item.title, description="", owner=contact, due_date=item.due_date),
        )
    assert item.side == ActionSide.PARTICIPANT
    assert [m.to for m in mailoutbox] == [[contact.email]]


def test_a_former_contact_cannot_own_an_item(create, participant):
    former = MembershipFactory(participant=participant, contact_role="credit", is_active=False).user
    with pytest.raises(DomainError):
        create(owner=former)
