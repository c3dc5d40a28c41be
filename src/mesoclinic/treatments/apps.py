from django.apps import AppConfig


class TreatmentsConfig(AppConfig):
    name = "mesoclinic.treatments"
    label = "treatments"
    verbose_name = "Consultations and treatment plans"
