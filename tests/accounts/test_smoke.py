import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_portal_home_shows_the_account_manager(client, mp_user, participant, account_manager):
    client.force_login(mp_user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert account_manager.user.full_name in response.content.decode()
    assert participant.legal_name in response.content.decode()
