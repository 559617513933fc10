"""The one current-participant mixin (``accounts.portal_session.CurrentParticipantMixin``)."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.test import RequestFactory
from django.urls import reverse
from django.views import View

from accounts.portal_session import SESSION_KEY, CurrentParticipantMixin
from accounts.selectors import participants_for_user
from ercot_services.core.permissions import ParticipantRequiredMixin
from tests.accounts.factories import UserFactory


class ParticipantPage(ParticipantRequiredMixin, CurrentParticipantMixin, View):
    """Shows the MP this session works for; ``/<pk>/`` an MP of the user's (another MP's is a 404)."""

    def get(self, request, pk=None):
        if pk is not None:
            other = get_object_or_404(participants_for_user(request.user), pk=pk)
            return HttpResponse(f"{self.participant.pk}:{other.pk}")
        return HttpResponse(str(self.participant.pk))


def _request(user, session=None):
    request = RequestFactory().get("/portal/x/")
    request.user = user
    request.session = SessionStore()
    request.session.update(session or {})
    request._messages = FallbackStorage(request)
    return request


def test_the_page_works_for_the_users_mp(mp_user, participant):
    response = ParticipantPage.as_view()(_request(mp_user))

    assert response.content.decode() == str(participant.pk)


def test_an_mp_the_user_does_not_belong_to_in_the_session_is_ignored(mp_user, participant, other_participant):
    response = ParticipantPage.as_view()(_request(mp_user, {SESSION_KEY: other_participant.pk}))

    assert response.content.decode() == str(participant.pk)


def test_another_mps_object_is_a_404(mp_user, participant, other_participant):
    with pytest.raises(Http404):
        ParticipantPage.as_view()(_request(mp_user), pk=other_participant.pk)
    own = ParticipantPage.as_view()(_request(mp_user), pk=participant.pk)
    assert own.content.decode() == f"{participant.pk}:{participant.pk}"


def test_a_user_with_no_mp_goes_back_to_the_portal_home_told_why(db):
    request = _request(UserFactory())

    response = ParticipantPage.as_view()(request)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert [str(m) for m in get_messages(request)] == ["Your account is not linked to a Market Participant yet."]


def test_every_portal_page_that_works_for_an_mp_sends_a_user_without_one_home(client):
    client.force_login(UserFactory())
    for name in (
        "portal:cases",
        "portal:applications",
        "portal:qualification",
        "portal:notices",
        "portal:plan",
        "portal:feedback",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"] == reverse("portal:home"), name
