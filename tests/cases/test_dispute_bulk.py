"""Filing disputes from a CSV: the template, whole-file checks with line numbers, one transaction, isolation."""

from __future__ import annotations

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import StaffGroup
from cases.dispute_input import parse_rows
from cases.models import Case, CaseKind, DisputeDay, DisputeDetail
from cases.services import dispute_bulk
from cases.services.dispute_bulk import DisputeFileRefused, dispute_bulk_file
from ercot_services.core.models import AuditEvent, DomainError
from tests.accounts.factories import StaffFactory
from tests.cases.factories import dispute_fields

pytestmark = pytest.mark.django_db

HEADER = (
    "operating_day,statement_type,statement_date,charge_type,disputed_amount,statement_reference,subject,description"
)


def _today():
    return timezone.localdate()


def _line(days_ago, amount="100.00", charge="Day-Ahead Energy Purchase", reference="DAM-1", description="Doubled."):
    today = _today()
    return f"{today - datetime.timedelta(days=days_ago):%Y-%m-%d},dam,{today:%Y-%m-%d},{charge},{amount},{reference},,{description}"


def csv_file(*lines, name="disputes.csv", header=HEADER, encoding="utf-8"):
    return SimpleUploadedFile(name, "\n".join([header, *lines]).encode(encoding), content_type="text/csv")


@pytest.fixture
def portal(client, mp_user):
    client.force_login(mp_user)
    return client


URL = "/portal/cases/new/disputes-file/"


def test_the_urls_are_where_the_page_links(portal):
    assert reverse("portal:disputes-file") == URL
    page = portal.get(reverse("portal:cases")).content.decode()
    assert URL in page


def test_the_template_downloads_with_its_columns(portal):
    response = portal.get(reverse("portal:disputes-file-template"))
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == HEADER
    assert len(lines) == 3


def test_a_clean_file_files_one_dispute_per_group_with_its_days(
    portal, mp_user, django_capture_on_commit_callbacks, mailoutbox, django_assert_max_num_queries
):
    upload = csv_file(
        _line(3, "10.00"),
        _line(4, "20.00"),
        _line(3, "5.00", charge="RT Imbalance", reference="RT-9", description="Wrong price."),
        _line(5, "30.00", reference="DAM-1"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = portal.post(URL, {"file": upload})
    assert response.status_code == 302 and response["Location"] == reverse("portal:disputes-file-filed")
    details = {d.charge_type: d for d in DisputeDetail.objects.all()}
    assert details["Day-Ahead Energy Purchase"].days.count() == 3
    assert details["Day-Ahead Energy Purchase"].disputed_amount == Decimal("60.00")
    assert details["RT Imbalance"].days.count() == 1
    assert len([m for m in mailoutbox if m.to == [mp_user.email]]) == 2
    assert AuditEvent.objects.filter(verb="dispute.bulk_filed").count() == 1
    assert AuditEvent.objects.filter(verb="case.submitted").count() == 2
    with django_assert_max_num_queries(15):
        filed = portal.get(response["Location"]).content.decode()
    for case in Case.objects.all():
        assert f'href="{case.get_portal_url()}"' in filed


def test_every_bad_row_is_listed_with_its_line_and_nothing_is_filed(portal):
    today = _today()
    upload = csv_file(
        _line(3),
        "2026-02-30,dam,,X,1,R,,d",
        f"{today:%Y-%m-%d},weekly,{today:%Y-%m-%d},X,1,R,,d",
        _line(4, "-3"),
        _line(3),
        f"{today - datetime.timedelta(days=60):%Y-%m-%d},dam,{today - datetime.timedelta(days=40):%Y-%m-%d},X,1,R,,d",
    )
    response = portal.post(URL, {"file": upload}, follow=False)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was filed" in html
    assert "“2026-02-30” is not a date" in html
    assert "“weekly” is not one of" in html
    assert "must be an amount above zero" in html
    # the format errors come first; once they are fixed, the meaning of each row is checked
    assert not Case.objects.exists()
    fixed = csv_file(
        _line(3),
        _line(3),
        f"{today - datetime.timedelta(days=60):%Y-%m-%d},dam,{today - datetime.timedelta(days=40):%Y-%m-%d},X,1,R,,d",
    )
    html = portal.post(URL, {"file": fixed}).content.decode()
    assert '<th scope="row" class="fw-normal">3</th><td>repeats line 2' in html
    assert '<th scope="row" class="fw-normal">4</th><td>the filing deadline for Operating Day' in html
    assert not Case.objects.exists()


def test_rows_report_their_line_numbers():
    rows, errors = parse_rows(
        [
            {
                "operating_day": "2026-01-01",
                "statement_type": "dam",
                "charge_type": "X",
                "disputed_amount": "1",
                "statement_reference": "R",
            },
            {
                "operating_day": "",
                "statement_type": "dam",
                "charge_type": "X",
                "disputed_amount": "1",
                "statement_reference": "R",
            },
            {
                "operating_day": "2026-01-02",
                "statement_type": "Day-Ahead Market",
                "charge_type": "X",
                "disputed_amount": "1.005",
                "statement_reference": "R",
            },
        ],
        today=datetime.date(2026, 6, 1),
    )
    assert [row.line for row in rows] == [2]
    assert [(e.line, e.message.split(" ")[0]) for e in errors] == [(3, "operating_day"), (4, "disputed_amount")]


def test_a_file_in_another_encoding_is_refused_with_how_to_save_it(portal):
    upload = csv_file(_line(3, charge="Énergie"), encoding="latin-1")
    html = portal.post(URL, {"file": upload}).content.decode()
    assert "is not UTF-8 text" in html and "CSV UTF-8" in html
    assert not Case.objects.exists()


def test_a_file_that_is_not_a_csv_is_refused(portal):
    pdf = SimpleUploadedFile("disputes.csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", content_type="text/csv")
    html = portal.post(URL, {"file": pdf}).content.decode()
    assert "is not an accepted file type" in html
    headerless = csv_file(_line(3), header="day,amount")
    assert "is missing the columns operating_day" in portal.post(URL, {"file": headerless}).content.decode()
    assert not Case.objects.exists()


def test_a_day_already_disputed_in_an_open_dispute_of_the_mp_is_refused(
    portal, submit, settlements, other_mp_user, other_participant
):
    today = _today()
    existing = submit(
        kind=CaseKind.DISPUTE,
        category=settlements,
        subject="earlier",
        description="x",
        dispute=dispute_fields(
            operating_day=today - datetime.timedelta(days=3), charge_type="Day-Ahead Energy Purchase"
        ),
    )
    # Another MP's open dispute of the same day and charge does not count.
    submit(
        kind=CaseKind.DISPUTE,
        category=settlements,
        subject="theirs",
        description="x",
        actor=other_mp_user,
        participant=other_participant,
        dispute=dispute_fields(
            operating_day=today - datetime.timedelta(days=4), charge_type="Day-Ahead Energy Purchase"
        ),
    )
    html = portal.post(URL, {"file": csv_file(_line(3), _line(4))}).content.decode()
    assert f"is already disputed in {existing.reference}" in html
    assert html.count("is already disputed in") == 1
    assert Case.objects.count() == 2


def test_a_failure_midway_files_nothing(participant, mp_user):
    today = _today()
    rows, errors = parse_rows(
        [
            {
                "operating_day": f"{today - datetime.timedelta(days=n):%Y-%m-%d}",
                "statement_type": "dam",
                "statement_date": f"{today:%Y-%m-%d}",
                "charge_type": f"Charge {n}",
                "disputed_amount": "1",
                "statement_reference": "R",
                "description": "d",
            }
            for n in (3, 4, 5)
        ]
    )
    assert not errors
    real_submit = dispute_bulk.dispute_submit
    calls = []

    def failing_submit(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise DomainError("The database said no.", code="invalid")
        return real_submit(**kwargs)

    with mock.patch.object(dispute_bulk, "dispute_submit", failing_submit), pytest.raises(DisputeFileRefused):
        dispute_bulk_file(actor=mp_user, participant=participant, rows=rows)
    assert len(calls) == 3
    assert not Case.objects.exists() and not DisputeDay.objects.exists()
    assert not AuditEvent.objects.filter(verb__in=["case.submitted", "dispute.bulk_filed"]).exists()


def test_staff_cannot_use_the_portal_page(client):
    client.force_login(StaffFactory(groups=[StaffGroup.ACCOUNT_MANAGER]))
    assert client.get(URL).status_code == 403


def test_the_filed_page_shows_only_the_users_own_participants_cases(
    portal, other_mp_user, other_participant, submit, settlements
):
    theirs = submit(
        kind=CaseKind.DISPUTE,
        category=settlements,
        subject="t",
        description="x",
        actor=other_mp_user,
        participant=other_participant,
        dispute=dispute_fields(),
    )
    session = portal.session
    session["cases:disputes-filed-from-file"] = [theirs.reference]
    session.save()
    html = portal.get(reverse("portal:disputes-file-filed")).content.decode()
    assert theirs.reference not in html
