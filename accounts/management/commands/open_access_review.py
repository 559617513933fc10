"""``manage.py open_access_review <short name>``: open this quarter's access review of one MP now (for a demo, or
when an MP asks for one early). The daily beat (``accounts.run_access_reviews``) opens them at each quarter's start
and closes the due ones; ``--close`` closes the MP's open review now instead, suspending whoever was not confirmed.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.models import AccessReview, AccessReviewStatus, MarketParticipant
from accounts.services import access_review_close, access_review_open


class Command(BaseCommand):
    help = "Open (or with --close, close) this quarter's access review of one Market Participant."

    def add_arguments(self, parser):
        parser.add_argument("short_name", help="The MP's short name.")
        parser.add_argument("--close", action="store_true", help="Close the MP's open review now.")

    def handle(self, *args, short_name: str, close: bool = False, **options):
        participant = MarketParticipant.objects.filter(short_name__iexact=short_name).first()
        if participant is None:
            raise CommandError(f"No Market Participant with the short name {short_name}.")
        if close:
            review = AccessReview.objects.filter(participant=participant, status=AccessReviewStatus.OPEN).first()
            if review is None:
                raise CommandError(f"{participant} has no open access review.")
            review = access_review_close(review=review)
            self.stdout.write(self.style.SUCCESS(f"Closed {review}: {review.get_outcome_display()}."))
            return
        review = access_review_open(actor=None, participant=participant)
        if review is None:
            raise CommandError(f"{participant} already has this quarter's review, or nobody with access to review.")
        self.stdout.write(self.style.SUCCESS(f"Opened {review}, due {review.due_at:%Y-%m-%d}."))
