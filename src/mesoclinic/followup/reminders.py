"""Which reminders an appointment has, and when each leaves (SPEC.md, instructions and reminders).

Defaults are SPEC.md's product decisions: the appointment 48 hours before; each preparation step
when it starts; aftercare at the end of the session; check-ins on days 2, 14 and 42 after it; the
maintenance recall six months after the course's last session (001: "The effects can last up to
a year"). Nothing leaves during the patient's quiet hours: it waits until they end.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from mesoclinic.clinical.timing import shifted, spoken
from mesoclinic.followup.models import ReminderKind, ReminderPreference
from mesoclinic.followup.queries import (
    session_aftercare,
    session_preparation,
    session_protocol,
    treatment_end,
)
from mesoclinic.scheduling.models import Appointment, AppointmentKind

APPOINTMENT_BEFORE = dt.timedelta(hours=48)
CHECK_IN_DAYS = (2, 14, 42)
RECALL_MONTHS = 6
CHECK_IN = (
    "It is day {day} after your session of {session}. Any redness, lumps, warmth or discharge "
    "where you were treated? Report it in your portal, or call {clinic}{phone}."
)
RECALL = (
    "It is six months since the last session of your course on {session}: the effects may be "
    "fading. To book a maintenance consultation, call {clinic}{phone} or open your portal: "
    "{link}"
)
# Two weeks after the course's last session (001: "The first effects are visible within two
# weeks"), the day-14 check-in also asks the patient's GAIS score (SPEC.md, outcomes).
SCORE_DAY = 14
SCORE_ASK = "\nHow has your course worked? Score it in your portal: {link}"


@dataclass(frozen=True)
class PlannedReminder:
    """A reminder an appointment should have: what, about which instant, and its words."""

    kind: ReminderKind
    key: str
    about_at: dt.datetime
    text: str


def planned_reminders(appointment: Appointment, *, last_of_course: bool) -> list[PlannedReminder]:
    """Every reminder `appointment` has, about instants in the clinic's time zone."""
    start = appointment.start.astimezone(appointment.clinic.tzinfo)
    planned = [_appointment_reminder(appointment, start)]
    if appointment.kind != AppointmentKind.SESSION:
        return planned
    planned += [
        PlannedReminder(
            ReminderKind.PREPARATION, step.rule or step.concept, step.from_, step.instruction
        )
        for step in session_preparation(appointment)
    ]
    ended = treatment_end(appointment)
    aftercare = session_aftercare(appointment)
    if aftercare:
        text = "Your aftercare:\n" + "\n".join(f"- {step.instruction}" for step in aftercare)
        planned.append(PlannedReminder(ReminderKind.AFTERCARE, "", ended, text))
    # Check-ins stay inside the protocol's follow-up window.
    window = session_protocol(appointment).follow_up_days
    planned += [
        _check_in(appointment, ended, day, last_of_course) for day in CHECK_IN_DAYS if day <= window
    ]
    if last_of_course:
        planned.append(_recall(appointment, ended))
    return planned


def _appointment_reminder(appointment: Appointment, start: dt.datetime) -> PlannedReminder:
    what = appointment.get_kind_display().lower()
    text = (
        f"Your mesotherapy {what} at {appointment.clinic} is on {spoken(start)}, with "
        f"{appointment.practitioner}."
    )
    # Elapsed hours, as every hour window is (docs/clinical-decisions.md).
    return PlannedReminder(ReminderKind.APPOINTMENT, "", shifted(start, -APPOINTMENT_BEFORE), text)


def _phone(appointment: Appointment) -> str:
    phone = appointment.clinic.phone
    return f" on {phone}" if phone else ""


def _portal(name: str) -> str:
    """The address of a portal page, as a link in a message."""
    return settings.SITE_URL + reverse(name)


def _check_in(
    appointment: Appointment, ended: dt.datetime, day: int, last_of_course: bool
) -> PlannedReminder:
    text = CHECK_IN.format(
        day=day, session=spoken(ended), clinic=appointment.clinic, phone=_phone(appointment)
    )
    if last_of_course and day == SCORE_DAY:
        text += SCORE_ASK.format(link=_portal("outcomes-portal:outcomes"))
    # Whole days on the clock: a check-in keeps its hour across a clock change.
    at = _wall(ended.date() + dt.timedelta(days=day), ended.time(), ended.tzinfo)
    return PlannedReminder(ReminderKind.CHECK_IN, f"day-{day}", at, text)


def _recall(appointment: Appointment, ended: dt.datetime) -> PlannedReminder:
    month = ended.month - 1 + RECALL_MONTHS
    year, month = ended.year + month // 12, month % 12 + 1
    day = min(ended.day, 28)  # every month has a 28th
    at = _wall(dt.date(year, month, day), ended.time(), ended.tzinfo)
    text = RECALL.format(
        session=spoken(ended),
        clinic=appointment.clinic,
        phone=_phone(appointment),
        link=_portal("outcomes-portal:outcomes"),
    )
    return PlannedReminder(ReminderKind.RECALL, "", at, text)


def _wall(day: dt.date, time: dt.time, tz: dt.tzinfo | None) -> dt.datetime:
    """`time` on `day` in `tz`; a time a clock change skipped moves to a real instant."""
    return dt.datetime.combine(day, time, tzinfo=tz).astimezone(dt.UTC).astimezone(tz)


def leaves_at(about: dt.datetime, preference: ReminderPreference, tz: dt.tzinfo) -> dt.datetime:
    """When a reminder about `about` leaves: then, or when the patient's quiet hours end."""
    local = about.astimezone(tz)
    quiet_from, quiet_until = preference.quiet_from, preference.quiet_until
    clock = local.time().replace(tzinfo=None)
    if quiet_from == quiet_until:
        return local
    if quiet_from < quiet_until:
        quiet = quiet_from <= clock < quiet_until
    else:
        quiet = clock >= quiet_from or clock < quiet_until
    if not quiet:
        return local
    ends = _wall(local.date(), quiet_until, tz)
    return ends if ends > local else _wall(local.date() + dt.timedelta(days=1), quiet_until, tz)
