"""Every form shows the same error summary: what went wrong, each field error linked to its field."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_refused_form_shows_the_linked_error_summary_and_keeps_what_was_typed(client, mp_user):
    client.force_login(mp_user)

    response = client.post(reverse("portal:case-new-inquiry"), {"subject": "Where is my statement?"})

    page = response.content.decode()
    assert response.status_code == 400
    assert 'class="alert alert-danger error-summary"' in page
    assert 'href="#id_description"' in page
    assert "everything you typed is kept" in page
    assert 'value="Where is my statement?"' in page
