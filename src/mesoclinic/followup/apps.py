from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "mesoclinic.followup"
    label = "followup"
    verbose_name = "Instructions, reminders and follow-up"

    def ready(self) -> None:
        from mesoclinic.followup import hooks

        hooks.connect()
