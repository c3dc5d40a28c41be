from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "mesoclinic.portal"
    label = "portal"
