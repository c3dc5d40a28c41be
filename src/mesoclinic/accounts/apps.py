from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mesoclinic.accounts"
    label = "accounts"

    def ready(self) -> None:
        from mesoclinic.accounts import signals  # noqa: F401 -- connects the audit receivers
