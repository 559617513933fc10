"""The inbound mail sources (cases.inbound_sources): the maildir end to end, IMAP's UID bookkeeping against a stub of
imaplib's interface, the periodic poll finishing rows a crash left behind, and the admin's reprocess action."""

from __future__ import annotations

import datetime
import email.utils
import mailbox
from email.message import EmailMessage

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.inbound_sources import ImapSource, MaildirSource, inbound_poll
from cases.models import Case, CaseCategory, InboundMessage, InboundSource, InboundStatus
from cases.services.inbound import inbound_message_record
from cases.tasks import poll_inbound_mail

pytestmark = pytest.mark.django_db


def raw_mail(sender: str, *, message_id: str, subject: str = "Usage question") -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "ClientServices@ercot.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = email.utils.format_datetime(timezone.now())
    message.set_content("Please look at our October usage.")
    return message.as_bytes()


# --- maildir ------------------------------------------------------------------------------------------------


def test_a_eml_dropped_into_the_maildir_opens_a_case_on_the_next_poll_and_only_once(tmp_path, settings, mp_user):
    settings.INBOUND_MAIL_SOURCE = "maildir"
    settings.INBOUND_MAILDIR = tmp_path / "inbound"
    (tmp_path / "inbound" / "new").mkdir(parents=True)
    (tmp_path / "inbound" / "new" / "question.eml").write_bytes(raw_mail(mp_user.email, message_id="<md-1@mp.ex>"))

    assert poll_inbound_mail() == 1
    row = InboundMessage.objects.get()
    assert row.source == InboundSource.MAILDIR and row.source_ref == "question.eml"
    assert row.status == InboundStatus.PROCESSED and row.case.submitted_by == mp_user
    assert list((tmp_path / "inbound" / "new").iterdir()) == []
    assert [path.name for path in (tmp_path / "inbound" / "cur").iterdir()] == ["question.eml:2,S"]

    assert poll_inbound_mail() == 0, "a seen message is not read again"
    assert Case.objects.count() == 1


def test_the_same_message_dropped_twice_makes_one_case(tmp_path, mp_user):
    box = mailbox.Maildir(tmp_path / "box", create=True)
    raw = raw_mail(mp_user.email, message_id="<twice@mp.ex>")
    box.add(raw)
    box.add(raw)
    assert inbound_poll(MaildirSource(tmp_path / "box")) == 2
    assert InboundMessage.objects.count() == 1 and Case.objects.count() == 1


def test_a_failing_message_is_recorded_marked_seen_and_left_for_staff(tmp_path, mp_user):
    CaseCategory.objects.update(is_active=False)
    box = mailbox.Maildir(tmp_path / "box", create=True)
    box.add(raw_mail(mp_user.email, message_id="<fails@mp.ex>"))
    source = MaildirSource(tmp_path / "box")
    assert inbound_poll(source) == 1
    assert InboundMessage.objects.get().status == InboundStatus.FAILED
    assert inbound_poll(source) == 0


def test_the_poll_processes_rows_a_crash_left_received(mp_user):
    row, _ = inbound_message_record(
        raw=raw_mail(mp_user.email, message_id="<stuck@mp.ex>"),
        source=InboundSource.WEBHOOK,
        now=timezone.now() - datetime.timedelta(minutes=10),
    )
    assert row.status == InboundStatus.RECEIVED
    inbound_poll(source=_EmptySource())
    row.refresh_from_db()
    assert row.status == InboundStatus.PROCESSED and row.case is not None


class _EmptySource:
    def poll(self, *, limit):
        return 0


# --- IMAP (a stub of imaplib.IMAP4's interface) -----------------------------------------------------------------


class FakeImap:
    """The part of ``imaplib.IMAP4`` the source uses: select, response, uid SEARCH/FETCH/STORE, logout."""

    def __init__(self, messages: dict[int, bytes], seen: set[int] | None = None):
        self.messages = messages
        self.seen = set(seen or ())
        self.fetched: list[int] = []
        self.logged_out = False

    def select(self, folder):
        return "OK", [str(len(self.messages)).encode()]

    def response(self, code):
        return code, [b"1700000001"]

    def uid(self, command, *args):
        if command == "SEARCH":
            unseen = [str(uid).encode() for uid in sorted(self.messages) if uid not in self.seen]
            return "OK", [b" ".join(unseen)]
        uid = int(args[0])
        if command == "FETCH":
            assert args[1] == "(BODY.PEEK[])", "fetching must not mark the message seen by itself"
            self.fetched.append(uid)
            return "OK", [(f"{uid} (UID {uid} BODY[] {{n}}".encode(), self.messages[uid]), b")"]
        if command == "STORE":
            assert args[1:] == ("+FLAGS", "(\\Seen)")
            self.seen.add(uid)
            return "OK", [b""]
        raise AssertionError(command)

    def logout(self):
        self.logged_out = True
        return "BYE", [b""]


def test_imap_reads_unseen_messages_by_uid_and_marks_each_once_recorded(mp_user, other_mp_user):
    server = FakeImap(
        {
            3: raw_mail(mp_user.email, message_id="<imap-3@mp.ex>"),
            7: raw_mail(other_mp_user.email, message_id="<imap-7@mp.ex>"),
            9: raw_mail(mp_user.email, message_id="<imap-9@mp.ex>"),
        },
        seen={3},
    )
    source = ImapSource(connect=lambda: server)
    assert inbound_poll(source, limit=1) == 1
    assert server.fetched == [7] and server.seen == {3, 7}
    assert inbound_poll(source) == 1
    assert server.fetched == [7, 9] and server.seen == {3, 7, 9} and server.logged_out
    assert sorted(InboundMessage.objects.values_list("source_ref", flat=True)) == ["1700000001:7", "1700000001:9"]
    assert Case.objects.count() == 2

    assert inbound_poll(source) == 0, "a re-run reads nothing new"


def test_imap_rerun_of_a_message_not_marked_in_time_makes_no_second_case(mp_user):
    server = FakeImap({5: raw_mail(mp_user.email, message_id="<imap-5@mp.ex>")})
    source = ImapSource(connect=lambda: server)
    inbound_poll(source)
    server.seen.clear()  # the STORE was lost (a crash between recording and marking)
    inbound_poll(source)
    assert InboundMessage.objects.count() == 1 and Case.objects.count() == 1


# --- the admin ------------------------------------------------------------------------------------------------


def test_staff_see_inbound_messages_and_reprocess_a_failed_one_in_the_admin(client, mp_user):
    from cases.services.inbound import inbound_message_receive
    from tests.accounts.factories import UserFactory

    admin_user = UserFactory(is_staff=True, is_superuser=True)

    CaseCategory.objects.update(is_active=False)
    row = inbound_message_receive(raw=raw_mail(mp_user.email, message_id="<adm@mp.ex>"), source="maildir")
    assert row.status == InboundStatus.FAILED
    CaseCategory.objects.update(is_active=True)

    client.force_login(admin_user)
    changelist = reverse("admin:cases_inboundmessage_changelist")
    page = client.get(changelist)
    assert page.status_code == 200 and "Usage question" in page.content.decode()
    change = client.get(reverse("admin:cases_inboundmessage_change", args=[row.pk]))
    assert change.status_code == 200 and "No active case category" in change.content.decode()
    response = client.post(changelist, {"action": "reprocess", "_selected_action": [row.pk]}, follow=True)
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.status == InboundStatus.PROCESSED and row.case is not None


def test_the_demo_seed_shows_each_outcome_once(mp_user):
    from cases.management.seed_inbound import seed_inbound

    now = timezone.now()
    assert seed_inbound(now=now, contact=mp_user) == 2
    assert seed_inbound(now=now, contact=mp_user) == 2, "the same rows, nothing new"
    assert sorted(InboundMessage.objects.values_list("status", flat=True)) == ["ignored", "processed", "processed"]
    assert Case.objects.count() == 2


def test_receive_mail_reads_named_files_and_polls_the_source_without(tmp_path, settings, mp_user):
    from io import StringIO

    from django.core.management import call_command

    eml = tmp_path / "question.eml"
    eml.write_bytes(raw_mail(mp_user.email, message_id="<cmd-1@mp.ex>"))
    out = StringIO()
    call_command("receive_mail", str(eml), stdout=out)
    call_command("receive_mail", str(eml), stdout=out)
    case = Case.objects.get()
    assert out.getvalue().count(f"processed, opened a case {case.reference}") == 2, out.getvalue()
    assert InboundMessage.objects.get().source == InboundSource.FILE

    settings.INBOUND_MAIL_SOURCE = "maildir"
    settings.INBOUND_MAILDIR = tmp_path / "inbound"
    mailbox.Maildir(settings.INBOUND_MAILDIR, create=True).add(raw_mail(mp_user.email, message_id="<cmd-2@mp.ex>"))
    out = StringIO()
    call_command("receive_mail", stdout=out)
    assert "Read 1 message(s)." in out.getvalue() and Case.objects.count() == 2
