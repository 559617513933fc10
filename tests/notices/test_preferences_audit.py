"""Changing an address's notice lists goes through the services (``notice_preferences_update`` from the signed
preferences page, ``contact_list_opt_out_set`` from the portal), and every change leaves an audit event."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ercot_services.core.models import AuditEvent, DomainError
from notices import selectors
from notices.events import NoticeEvent
from notices.models import ContactListOptOut, Subscription, Suppression
from notices.services import notice_preferences_update

from .conftest import ct, subscribe

pytestmark = pytest.mark.django_db


def _events():
    return list(AuditEvent.objects.filter(verb=NoticeEvent.NOTICE_PREFERENCES_UPDATED).order_by("pk"))


def test_the_preferences_page_records_each_list_it_changes(client, lists):
    email = "reader@example.org"
    credit, ops = subscribe(lists["NOTICE_CREDIT"], email)[0], subscribe(lists["NOTICE_OPERATIONS"], email)[0]
    Subscription.objects.filter(pk__in=[credit.pk, ops.pk]).update(confirmed_at=ct(2026, 1, 1, 9))
    path = selectors.preferences_url(email, absolute=False)

    client.post(path, {f"sub_{ops.pk}": "on"})
    [event] = _events()
    assert (event.target, event.actor, event.changes) == (lists["NOTICE_CREDIT"], None, {"receives": [True, False]})
    assert event.reason == "reader@example.org: unsubscribed from NOTICE_CREDIT"

    client.post(path, {f"sub_{ops.pk}": "on", f"sub_{credit.pk}": "on"})
    assert [(e.target, e.changes["receives"], e.reason) for e in _events()[1:]] == [
        (lists["NOTICE_CREDIT"], [False, True], "reader@example.org: resubscribed to NOTICE_CREDIT")
    ]

    client.post(path, {f"sub_{ops.pk}": "on", f"sub_{credit.pk}": "on"})  # nothing changes: no event
    assert len(_events()) == 2


def test_a_role_list_left_and_rejoined_on_the_preferences_page_is_recorded(client, lists, credit_contact):
    path = selectors.preferences_url(credit_contact.email, absolute=False)
    dl = lists["NOTICE_CREDIT"]

    client.post(path, {})
    client.post(path, {f"role_{dl.pk}": "on"})

    assert [(e.target, e.changes["receives"]) for e in _events()] == [(dl, [True, False]), (dl, [False, True])]
    assert _events()[0].reason == f"{credit_contact.email.lower()}: left NOTICE_CREDIT"


def test_lifting_unsubscribe_from_all_is_recorded(client, lists):
    email = "reader@example.org"
    sub = subscribe(lists["NOTICE_CREDIT"], email)[0]
    Subscription.objects.filter(pk=sub.pk).update(confirmed_at=ct(2026, 1, 1, 9))
    path = selectors.preferences_url(email, absolute=False)
    client.post(path, {"action": "all"})
    suppression = Suppression.objects.get(email=email)

    client.post(path, {f"sub_{sub.pk}": "on"})

    [event] = _events()
    assert (event.target_object_id, event.changes) == (str(suppression.pk), {"suppressed": [True, False]})
    assert not Suppression.objects.filter(email=email).exists()


def test_the_portal_opt_out_and_back_in_is_recorded_with_the_user(client, lists, credit_contact):
    dl = lists["NOTICE_CREDIT"]
    client.force_login(credit_contact)

    client.post(reverse("portal:notice-subscriptions"), {"list": dl.pk, "action": "opt-out"})
    client.post(reverse("portal:notice-subscriptions"), {"list": dl.pk, "action": "opt-out"})  # already out
    client.post(reverse("portal:notice-subscriptions"), {"list": dl.pk, "action": "opt-in"})

    assert [(e.target, e.actor, e.changes["receives"]) for e in _events()] == [
        (dl, credit_contact, [True, False]),
        (dl, credit_contact, [False, True]),
    ]
    assert not ContactListOptOut.objects.filter(distribution_list=dl).exists()


def test_preferences_for_one_address_cannot_change_anothers_subscription(lists):
    other = subscribe(lists["NOTICE_CREDIT"], "someone.else@example.org")[0]

    with pytest.raises(DomainError, match="another address"):
        notice_preferences_update(actor=None, email="reader@example.org", subscriptions={other: False}, role_lists={})

    other.refresh_from_db()
    assert other.status == Subscription.Status.CONFIRMED and _events() == []
