from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and Market Participants"

    def ready(self):
        from . import signals  # noqa: F401
