from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "mesoclinic.followup"
    label = "followup"
