"""What sign-in remembers about a user's browsers."""

from django.db import models
from django.utils import timezone


class KnownBrowser(models.Model):
    """A browser a user has signed in from before.

    The browser carries a random key in a long-lived cookie; only its SHA-256 is stored. Signing in from a browser
    the user has no row for sends them the new-sign-in email (``sign_in_record``).
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="known_browsers")
    key_hash = models.CharField(max_length=64)
    user_agent = models.CharField(max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_seen_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key_hash"], name="unique_known_browser")]

    def __str__(self):
        return f"{self.user} on {self.user_agent or 'an unknown browser'}"
