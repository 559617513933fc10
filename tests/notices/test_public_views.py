"""Public notice pages: archive filters and search, detail, feeds, lists, double opt-in, preferences, RFC 8058."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notices import selectors
from notices.models import ContactListOptOut, Notice, NoticeDelivery, Subscription
from notices.services import recipients_for, subscription_request

from .conftest import ct, subscribe

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def archive(publish, types, credit):
    """A credit notice with action required, an operations notice (W), a retail one (R), and a cancelled thread."""
    ops, retail = types["Operations"], types["Retail"]
    a = publish(
        notice_type=credit,
        short_description="Collateral changes for counter-parties",
        long_description="The **collateral** calculation changes. See also M-042424-01.",
        action_required="Post additional collateral by May 1.",
        now=ct(2026, 4, 1, 9),
    )
    b = publish(
        notice_type=ops,
        scope="W",
        short_description="Market information system outage",
        long_description="Planned maintenance of the MIS.",
        now=ct(2026, 4, 10, 9),
    )
    c = publish(
        notice_type=retail,
        scope="R",
        short_description="Retail transaction timeline",
        long_description="Retail transactions are delayed.",
        now=ct(2026, 4, 20, 9),
    )
    return {"credit": a, "ops": b, "retail": c}


def _ids(response):
    return [n.notice_id for n in response.context["page_obj"].object_list]


# --- archive ------------------------------------------------------------------------------------------


def test_archive_lists_published_notices_newest_first_and_hides_drafts(client, archive, draft_factory):
    draft_factory(short_description="Secret draft")
    response = client.get(reverse("notices:archive"))
    assert response.status_code == 200
    assert _ids(response) == [archive["retail"].notice_id, archive["ops"].notice_id, archive["credit"].notice_id]
    assert b"Secret draft" not in response.content


def test_archive_filters_type_scope_dates_list_and_action(client, archive, credit, lists):
    url = reverse("notices:archive")
    assert _ids(client.get(url, {"type": credit.slug})) == [archive["credit"].notice_id]
    assert _ids(client.get(url, {"scope": "W"})) == [archive["ops"].notice_id]
    assert _ids(client.get(url, {"date_from": "2026-04-05", "date_to": "2026-04-15"})) == [archive["ops"].notice_id]
    assert _ids(client.get(url, {"list": "NOTICE_OPERATIONS"})) == [archive["ops"].notice_id]
    assert _ids(client.get(url, {"action": "on"})) == [archive["credit"].notice_id]
    assert _ids(client.get(reverse("notices:action-required"))) == [archive["credit"].notice_id]
    # Bad filter values are ignored, not a server error.
    assert client.get(url, {"type": "nope", "date_from": "garbage"}).status_code == 200


def test_archive_search_falls_back_or_uses_full_text(client, archive):
    url = reverse("notices:archive")
    assert _ids(client.get(url, {"q": "collateral"})) == [archive["credit"].notice_id]
    assert _ids(client.get(url, {"q": "maintenance"})) == [archive["ops"].notice_id]  # long description
    assert _ids(client.get(url, {"q": "additional collateral"})) == [archive["credit"].notice_id]  # action required
    assert _ids(client.get(url, {"q": archive["retail"].notice_id})) == [archive["retail"].notice_id]
    assert _ids(client.get(url, {"q": "zebra"})) == []


@pytest.mark.postgres
def test_full_text_search_ranks_title_matches_first(publish, credit):
    body_only = publish(
        short_description="Quarterly update", long_description="Mentions resettlement once.", now=ct(2026, 5, 2, 9)
    )
    title = publish(
        short_description="Resettlement of resettlement days",
        long_description="Resettlement details.",
        now=ct(2026, 5, 1, 9),
    )
    found = list(selectors.archive_notices(selectors.ArchiveFilters(q="resettlements")))
    assert [n.pk for n in found] == [title.pk, body_only.pk]  # stemming + rank beat recency
    assert found[0].rank >= found[1].rank


def test_archive_query_count_is_bounded(client, publish, credit):
    publish(now=ct(2026, 3, 1, 9))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notices:archive"), {"q": "TPE", "scope": "M"})
    for day in range(2, 12):
        publish(now=ct(2026, 3, day, 9))
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("notices:archive"), {"q": "TPE", "scope": "M"})
    assert len(_ids(response)) == 11
    assert len(many) == len(few)
    assert len(many) <= 8


def test_archive_paginates_by_25(client, publish):
    for i in range(26):
        publish(now=ct(2026, 2, 1 + i % 27, 9, i))
    response = client.get(reverse("notices:archive"))
    assert len(_ids(response)) == 25
    assert len(_ids(client.get(reverse("notices:archive"), {"page": 2}))) == 1


def test_landing_shows_the_latest_notices(client, archive):
    response = client.get(reverse("landing"))
    assert archive["retail"].notice_id.encode() in response.content
    assert reverse("notices:archive").encode() in response.content


# --- detail -------------------------------------------------------------------------------------------


def test_detail_renders_template_order_and_links_ids(client, archive):
    response = client.get(archive["credit"].get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    order = [
        "NOTICE DATE",
        "NOTICE TYPE",
        "SHORT DESCRIPTION",
        "INTENDED AUDIENCE",
        "DAY(S) AFFECTED",
        "LONG DESCRIPTION",
        "ACTION REQUIRED",
        "CONTACT",
    ]
    positions = [html.index(label) for label in order]
    assert positions == sorted(positions)
    assert '<a href="/notices/M-042424-01/">M-042424-01</a>' in html
    assert "<strong>collateral</strong>" in html


def test_detail_404_for_unknown_and_unpublished(client, draft_factory):
    draft = draft_factory()
    assert client.get(reverse("notices:detail", args=["M-A010126-01"])).status_code == 404
    Notice.objects.filter(pk=draft.pk).update(notice_id="M-A010126-02")  # an ID but not published
    assert client.get(reverse("notices:detail", args=["M-A010126-02"])).status_code == 404


def test_detail_thread_navigation_and_cancellation_banner(client, publisher, publish, archive):
    from notices.services import notice_follow_up

    original = archive["credit"]
    update = publish(notice_follow_up(actor=publisher, previous=original, kind="update"), now=ct(2026, 4, 2, 9))
    response = client.get(original.get_absolute_url())
    assert b'id="updated-banner"' in response.content and update.notice_id.encode() in response.content
    cancel = publish(notice_follow_up(actor=publisher, previous=update, kind="cancellation"), now=ct(2026, 4, 3, 9))
    html = client.get(original.get_absolute_url()).content.decode()
    assert 'id="cancelled-banner"' in html and cancel.notice_id in html
    nav = html[html.index('id="thread-nav"') :]
    assert nav.index(original.notice_id) < nav.index(update.notice_id) < nav.index(cancel.notice_id)
    cancel_page = client.get(cancel.get_absolute_url()).content.decode()
    assert "Please disregard" in cancel_page or "please disregard" in cancel_page


# --- feeds --------------------------------------------------------------------------------------------


def test_rss_feed_is_valid_xml_with_the_notices(client, archive, credit):
    response = client.get(reverse("notices:feed"))
    assert response.status_code == 200 and "rss" in response["Content-Type"]
    root = ET.fromstring(response.content)
    titles = [item.findtext("title") for item in root.iter("item")]
    assert titles[0].startswith(archive["retail"].notice_id) and len(titles) == 3
    links = [item.findtext("link") for item in root.iter("item")]
    assert links[-1].endswith(archive["credit"].get_absolute_url())
    typed = ET.fromstring(client.get(reverse("notices:feed-type", args=[credit.slug])).content)
    assert [i.findtext("guid") for i in typed.iter("item")] == [archive["credit"].notice_id]


def test_atom_feed_is_valid_xml_per_type(client, archive, types):
    root = ET.fromstring(client.get(reverse("notices:atom")).content)
    assert root.tag == f"{ATOM}feed"
    assert len(root.findall(f"{ATOM}entry")) == 3
    ops = types["Operations"]
    typed = ET.fromstring(client.get(reverse("notices:atom-type", args=[ops.slug])).content)
    entries = typed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries][0].startswith(archive["ops"].notice_id)
    assert len(entries) == 1
    assert client.get(reverse("notices:atom-type", args=["no-such-type"])).status_code == 404


# --- lists, double opt-in, preferences ----------------------------------------------------------------


def test_lists_page_and_subscribe_says_check_email(client, lists, mailoutbox):
    response = client.get(reverse("notices:lists"))
    assert b"NOTICE_CREDIT" in response.content and b"Financial/Credit" in response.content
    response = client.post(
        reverse("notices:lists"), {"email": "Reader@Example.org", "distribution_list": "NOTICE_CREDIT"}
    )
    assert response.status_code == 200
    assert b"Check your email" in response.content
    sub = Subscription.objects.get(email="reader@example.org")
    assert sub.status == Subscription.Status.PENDING
    assert (
        client.post(
            reverse("notices:lists"), {"email": "not-an-email", "distribution_list": "NOTICE_CREDIT"}
        ).status_code
        == 400
    )


def test_twenty_anonymous_posts_for_one_address_send_one_confirmation_email(
    client, lists, mailoutbox, django_capture_on_commit_callbacks
):
    data = {"email": "victim@example.org", "distribution_list": "NOTICE_CREDIT"}
    with django_capture_on_commit_callbacks(execute=True):
        responses = [client.post(reverse("notices:lists"), data) for _ in range(20)]
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["victim@example.org"]
    assert {r.status_code for r in responses[:3]} == {200} and all(
        b"Check your email" in r.content for r in responses[:3]
    )
    limited = responses[-1]
    assert limited.status_code == 429
    html = limited.content.decode()
    assert "Too many subscription requests" in html and 'value="victim@example.org"' in html


def test_the_subscribe_form_is_rate_limited_per_client(client, lists, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            client.post(
                reverse("notices:lists"), {"email": f"r{i}@example.org", "distribution_list": "NOTICE_CREDIT"}
            ).status_code
            for i in range(12)
        ]
    assert statuses == [200] * 10 + [429] * 2
    assert len(mailoutbox) == 10
    other_client = Client(REMOTE_ADDR="10.9.8.7")
    assert (
        other_client.post(
            reverse("notices:lists"), {"email": "s@example.org", "distribution_list": "NOTICE_CREDIT"}
        ).status_code
        == 200
    )


def test_the_subscribe_answer_does_not_say_whether_an_address_is_already_subscribed(
    client, lists, mailoutbox, django_capture_on_commit_callbacks
):
    subscribe(lists["NOTICE_CREDIT"], "member@example.org")
    answers = []
    for email in ("member@example.org", "stranger@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("notices:lists"), {"email": email, "distribution_list": "NOTICE_CREDIT"})
        html = response.content.decode()
        answers.append(html.split('role="status">', 1)[1].split("</div>", 1)[0].replace(email, "ADDRESS"))
    assert answers[0] == answers[1] and "already" not in answers[0]
    assert [m.to for m in mailoutbox] == [["stranger@example.org"]]


def _confirm_token(subscription, at: float) -> str:
    from notices.services.subscriptions import _subscribe_token

    with mock.patch("django.core.signing.time.time", return_value=at):
        return _subscribe_token(subscription)


def test_double_opt_in_link_works_within_48_hours_and_expires_after(client, lists):
    sub = subscription_request(email="reader@example.org", distribution_list=lists["NOTICE_CREDIT"])
    stale = _confirm_token(sub, time.time() - 49 * 3600)
    response = client.get(reverse("notices:confirm", args=[stale]))
    assert response.status_code == 400 and b"expired" in response.content
    sub.refresh_from_db()
    assert sub.status == Subscription.Status.PENDING

    fresh = _confirm_token(sub, time.time() - 47 * 3600)
    response = client.get(reverse("notices:confirm", args=[fresh]))
    assert response.status_code == 200 and b"now receives notices" in response.content
    sub.refresh_from_db()
    assert sub.status == Subscription.Status.CONFIRMED

    assert client.get(reverse("notices:confirm", args=["tampered:token"])).status_code == 400


def test_preferences_bad_token_is_400(client):
    assert client.get(reverse("notices:preferences", args=["nope"])).status_code == 400
    assert client.post(reverse("notices:preferences", args=["nope"]), {}).status_code == 400
    forged = selectors.preferences_token("a@example.org")[:-2] + "xx"
    assert client.get(reverse("notices:preferences", args=[forged])).status_code == 400


def test_preferences_unsubscribe_and_resubscribe_without_signing_in(client, lists, credit_contact):
    email = "reader@example.org"
    sub_credit, sub_ops = subscribe(lists["NOTICE_CREDIT"], email)[0], subscribe(lists["NOTICE_OPERATIONS"], email)[0]
    Subscription.objects.filter(pk__in=[sub_credit.pk, sub_ops.pk]).update(confirmed_at=ct(2026, 1, 1, 9))
    pending = subscribe(lists["NOTICE_GENERAL"], email, status=Subscription.Status.PENDING)[0]
    url = selectors.preferences_url(email)
    assert url.startswith("http")
    path = selectors.preferences_url(email, absolute=False)
    response = client.get(path)
    assert response.status_code == 200 and b"NOTICE_CREDIT" in response.content
    # Untick credit, keep operations.
    response = client.post(path, {f"sub_{sub_ops.pk}": "on"})
    assert response.status_code == 200 and b"unsubscribed from NOTICE_CREDIT" in response.content
    sub_credit.refresh_from_db()
    assert sub_credit.status == Subscription.Status.UNSUBSCRIBED
    # Tick it again: a previously confirmed subscription comes back without a new opt-in.
    client.post(path, {f"sub_{sub_ops.pk}": "on", f"sub_{sub_credit.pk}": "on"})
    sub_credit.refresh_from_db()
    assert sub_credit.status == Subscription.Status.CONFIRMED
    pending.refresh_from_db()
    assert pending.status == Subscription.Status.PENDING  # no checkbox for an unconfirmed one

    # An MP contact can leave a role list from the same page.
    contact_path = selectors.preferences_url(credit_contact.email, absolute=False)
    html = client.get(contact_path).content.decode()
    assert "Credit contact of" in html
    role_field = f"role_{lists['NOTICE_CREDIT'].pk}"
    client.post(contact_path, {})
    assert ContactListOptOut.objects.filter(
        distribution_list=lists["NOTICE_CREDIT"], email=credit_contact.email.lower()
    ).exists()
    client.post(contact_path, {role_field: "on"})
    assert not ContactListOptOut.objects.filter(distribution_list=lists["NOTICE_CREDIT"]).exists()


# --- RFC 8058 -----------------------------------------------------------------------------------------


def test_one_click_unsubscribe_post_without_session_or_csrf(publish, lists, credit):
    subscribe(lists["NOTICE_CREDIT"], "reader@example.org")
    first = publish(now=ct(2026, 4, 1, 9))
    delivery = NoticeDelivery.objects.get(notice=first, email="reader@example.org")
    anonymous = Client(enforce_csrf_checks=True)
    response = anonymous.post(
        reverse("notices:unsubscribe", args=[delivery.token]),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "Location" not in response
    from notices.services import NoticeInput, notice_create

    nxt = notice_create(
        actor=first.author,
        data=NoticeInput(notice_type=credit, short_description="Next", long_description="Next one"),
    )
    assert "reader@example.org" not in recipients_for(nxt)
    # An unknown token is a 404, still without CSRF.
    assert (
        anonymous.post(
            reverse("notices:unsubscribe", args=["nope"]),
            data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        ).status_code
        == 404
    )


def test_unsubscribe_get_shows_a_button_and_form_post_confirms(client, publish, lists):
    subscribe(lists["NOTICE_CREDIT"], "reader@example.org")
    delivery = NoticeDelivery.objects.get(notice=publish(now=ct(2026, 4, 1, 9)), email="reader@example.org")
    url = reverse("notices:unsubscribe", args=[delivery.token])
    assert b"Unsubscribe" in client.get(url).content
    response = client.post(url)
    assert response.status_code == 200 and b"will no longer receive" in response.content


def test_unsubscribe_pages_name_every_list_the_address_leaves(client, publish, lists, credit):
    subscribe(lists["NOTICE_CREDIT"], "reader@example.org")
    subscribe(lists["NOTICE_GENERAL"], "reader@example.org")
    subscribe(lists["NOTICE_OPERATIONS"], "reader@example.org")
    notice = publish(lists=[lists["NOTICE_GENERAL"]], now=ct(2026, 4, 1, 9))
    url = reverse(
        "notices:unsubscribe", args=[NoticeDelivery.objects.get(notice=notice, email="reader@example.org").token]
    )
    for response in (client.get(url), client.post(url)):
        html = response.content.decode()
        assert "NOTICE_CREDIT" in html and "NOTICE_GENERAL" in html and "NOTICE_OPERATIONS" not in html
    assert "no longer receive" in html and selectors.preferences_url("reader@example.org", absolute=False) in html


def test_preferences_unsubscribe_from_all_then_back(client, publisher, lists, credit):
    from notices.models import Suppression
    from notices.services import NoticeInput, notice_create

    email = "reader@example.org"
    sub = subscribe(lists["NOTICE_CREDIT"], email)[0]
    Subscription.objects.filter(pk=sub.pk).update(confirmed_at=ct(2026, 1, 1, 9))
    path = selectors.preferences_url(email, absolute=False)
    response = client.post(path, {"action": "all"})
    assert response.status_code == 200 and b'id="suppressed"' in response.content
    assert Suppression.objects.filter(email=email, reason=Suppression.Reason.UNSUBSCRIBED).exists()
    draft = notice_create(
        actor=publisher, data=NoticeInput(notice_type=credit, short_description="x", long_description="y")
    )
    assert email not in recipients_for(draft)
    client.post(path, {f"sub_{sub.pk}": "on"})
    assert not Suppression.objects.filter(email=email).exists()
    assert email in recipients_for(draft)


def test_every_notice_email_links_to_the_recipients_preferences_page(client, publish, credit_contact):
    from notices.emails import build_message

    notice = publish()
    delivery = notice.deliveries.select_related("distribution_list").get(email=credit_contact.email)
    message = build_message(notice, delivery)
    [link] = [word for word in message.body.split() if "/notices/lists/preferences/" in word]
    html = message.alternatives[0][0]
    assert link in html
    response = client.get(link[link.index("/notices/") :])
    assert response.status_code == 200
    assert credit_contact.email in response.content.decode()
