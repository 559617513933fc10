"""``manage.py totp_code <email>``: the current authenticator app code of a demo user (DEBUG only).

Lets a newcomer sign in as a demo staff user (``seed_demo``) without setting up an authenticator app. It answers only
for users whose authenticator app has the demo secret, and only with DEBUG on: it is no way around a real one.
"""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.email_address import canonical_email
from accounts.management.seed_accounts import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current authenticator app code of a demo user (seed_demo's demo secret; DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("totp_code works only with DEBUG on (local development).")
        app = Authenticator.objects.filter(
            user__email=canonical_email(options["email"]), type=Authenticator.Type.TOTP
        ).first()
        if app is None or decrypt(app.data["secret"]) != DEMO_TOTP_SECRET:
            raise CommandError(f"{options['email']} has no demo authenticator app (seed_demo gives staff one).")
        period = mfa_settings.TOTP_PERIOD
        now = int(time.time())
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, now // period)))
        self.stderr.write(f"(valid for {period - now % period} more seconds; each code signs in once)")
