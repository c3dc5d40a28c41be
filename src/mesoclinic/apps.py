from django.apps import AppConfig


class MesoclinicConfig(AppConfig):
    """The project itself: its commands, the demo, and the pages composed above the apps."""

    name = "mesoclinic"
    label = "mesoclinic"
