"""Files published with a notice: added to drafts by publishers, checked by content, public once published."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notices.models import NoticeAttachment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_draft_attachment_is_public_only_after_publication_and_linked_from_the_email(
    client, publisher, approver, draft_factory, publish, credit_contact, mailoutbox, django_capture_on_commit_callbacks
):
    notice = draft_factory()
    client.force_login(publisher)
    response = client.post(
        reverse("workspace:notice-attach", args=[notice.pk]), {"file": SimpleUploadedFile("TPE summary.pdf", PDF)}
    )
    assert response.status_code == 302
    [attachment] = NoticeAttachment.objects.filter(notice=notice)
    assert attachment.original_name == "TPE summary.pdf" and attachment.content_type == "application/pdf"

    bad = client.post(
        reverse("workspace:notice-attach", args=[notice.pk]),
        {"file": SimpleUploadedFile("fake.pdf", b"MZ\x90\x00" * 40)},
    )
    assert bad.status_code == 400 and "not an accepted file type" in bad.content.decode()
    assert NoticeAttachment.objects.filter(notice=notice).count() == 1

    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        notice = publish(notice)
    url = attachment.get_absolute_url()
    download = client.get(url)  # anonymous: the notice is public now
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    [email] = [m for m in mailoutbox if m.to == [credit_contact.email]]
    assert url in email.body


def test_files_of_unpublished_notices_are_not_public(client, publisher, draft_factory):
    from ercot_services.core.uploads import check_upload
    from notices.services import notice_attach

    notice = draft_factory()
    attachment = notice_attach(
        actor=publisher, notice=notice, upload=check_upload(SimpleUploadedFile("a.pdf", PDF), max_bytes=10**6)
    )
    assert client.get(f"/notices/{notice.pk}/attachments/{attachment.pk}/").status_code == 404
    staff_url = reverse("workspace:notice-attachment", args=[notice.pk, attachment.pk])
    assert client.get(staff_url).status_code == 302  # sign in first
    client.force_login(publisher)
    assert client.get(staff_url).status_code == 200
