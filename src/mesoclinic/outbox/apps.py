from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "mesoclinic.outbox"
    label = "outbox"
