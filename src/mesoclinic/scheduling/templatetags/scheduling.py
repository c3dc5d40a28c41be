"""Template tags for pages other apps own, such as the patient's chart."""

from typing import Any

from django import template

from mesoclinic.scheduling.models import Course

register = template.Library()


@register.simple_tag
def patient_courses(patient: Any) -> list[Course]:
    """The patient's courses, newest first (the chart has already checked access to the patient)."""
    return list(Course.objects.filter(patient=patient))
