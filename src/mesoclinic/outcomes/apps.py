from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "mesoclinic.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes, maintenance recall and reports"
