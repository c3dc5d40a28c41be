from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "mesoclinic.clinics"
    label = "clinics"
    verbose_name = "Clinic set-up"
