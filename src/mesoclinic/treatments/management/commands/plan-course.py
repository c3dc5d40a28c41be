"""`mesoclinic plan-course PATIENT (--plan ID | --template ID) --from DATE [--book]`.

A course follows a signed consultation's treatment plan (`--plan`); without one, booking needs
a practitioner's written reason (`--reason` and `--practitioner`), as on the page and the API.
"""

import argparse
from typing import Any

from django.core.management.base import CommandError

from mesoclinic.accounts.models import User
from mesoclinic.clinical.planner import Preferences, TimeOfDay
from mesoclinic.clinical.protocols import UnknownProtocol
from mesoclinic.commands import ReportCommand, calendar_date
from mesoclinic.patients.models import Patient
from mesoclinic.patients.queries import PatientNotFound, find_patient
from mesoclinic.scheduling.course_rules import template_named
from mesoclinic.scheduling.domain.booking import SlotTaken
from mesoclinic.scheduling.domain.courses import CourseIncomplete, course_plan_and_book
from mesoclinic.scheduling.gate import BookingRefused, CourseBasis
from mesoclinic.scheduling.models import Course
from mesoclinic.scheduling.proposals import CourseProposal, proposal_to_json, propose_course
from mesoclinic.treatments.queries import PlanNotBookable, find_plan, plan_basis

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PLAN_OR_TEMPLATE = "Give the treatment plan (--plan ID) or, for a course without one, --template."
NEEDS_PLAN = (
    "A course follows a signed consultation's treatment plan: give it with --plan ID. To book "
    "without one, a practitioner gives the reason: --reason TEXT --practitioner USERNAME."
)
NOT_A_PRACTITIONER = "--practitioner {username}: no practitioner of {clinic} has that username."
PLAN_SETS_IT = "--plan sets the course and its areas; leave out --template and --areas."


def weekdays(text: str) -> frozenset[int]:
    names = [name.strip().lower()[:3] for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in WEEKDAYS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"weekdays are {', '.join(WEEKDAYS)}; got {text!r}")
    return frozenset(WEEKDAYS.index(name) for name in names)


class Command(ReportCommand):
    help = (
        "Plan the earliest whole course of sessions for a patient from their treatment plan "
        "(--plan), and book it with --book."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("patient", help="internal id or the FHIR id it was imported with")
        parser.add_argument("--plan", type=int, help="the signed treatment plan the course follows")
        parser.add_argument("--template", help="protocol id, or protocol/template (without --plan)")
        parser.add_argument(
            "--from", dest="first", required=True, type=calendar_date, metavar="DATE"
        )
        parser.add_argument("--book", action="store_true", help="book the whole course")
        parser.add_argument("--areas", help="areas treated, comma-separated (without --plan)")
        parser.add_argument("--sessions", type=int, help="how many sessions (default: the most)")
        parser.add_argument("--time-of-day", choices=[t.value for t in TimeOfDay], default="any")
        parser.add_argument("--weekdays", type=weekdays, default=frozenset(range(7)))
        parser.add_argument(
            "--any-practitioner", action="store_true", help="sessions may change practitioner"
        )
        parser.add_argument("--reason", default="", help="why the course has no consultation")
        parser.add_argument("--practitioner", help="the practitioner who gives --reason")

    def handle(self, *args: Any, **options: Any) -> None:
        proposal, basis = self.proposal(options)
        course = None
        if options["book"]:
            # Planned again under the clinic's lock, so a run in parallel never takes its times.
            proposal, course = self.book(proposal, basis, options)
        document = proposal_to_json(proposal)
        if basis is not None:
            document["plan"] = basis.plan_id
        if course is not None:
            document["course"] = course.pk
        self.report(options, document, describe(proposal, options["book"]))

    def proposal(self, options: dict[str, Any]) -> tuple[CourseProposal, CourseBasis | None]:
        try:
            patient = find_patient(None, options["patient"], purpose="plan course")
            basis = _basis(patient, options)
            spec = f"{basis.protocol_id}/{basis.template_id}" if basis else options["template"]
            protocol, template = template_named(spec)
            preferences = Preferences(
                same_practitioner=not options["any_practitioner"],
                time_of_day=TimeOfDay(options["time_of_day"]),
                weekdays=options["weekdays"],
            )
            areas = basis.areas if basis else _areas(options["areas"] or "face")
            proposal = propose_course(
                patient,
                protocol,
                template,
                options["first"],
                areas=areas,
                preferences=preferences,
                sessions=options["sessions"],
            )
        except (
            PatientNotFound,
            PlanNotBookable,
            UnknownProtocol,
            LookupError,
            ValueError,
        ) as error:
            raise CommandError(str(error)) from None
        return proposal, basis

    def book(
        self, proposal: CourseProposal, basis: CourseBasis | None, options: dict[str, Any]
    ) -> tuple[CourseProposal, Course]:
        by = None if basis else _reason_giver(proposal.patient, options)
        try:
            return course_plan_and_book(
                patient=proposal.patient,
                protocol=proposal.protocol,
                template=proposal.template,
                first_day=options["first"],
                areas=proposal.areas,
                preferences=proposal.preferences,
                sessions=options["sessions"],
                by=by,
                basis=basis,
                unplanned_reason=options["reason"],
            )
        except (CourseIncomplete, SlotTaken, BookingRefused) as error:
            raise CommandError(str(error)) from None


def _basis(patient: Patient, options: dict[str, Any]) -> CourseBasis | None:
    if options["plan"] is None:
        if not options["template"]:
            raise CommandError(PLAN_OR_TEMPLATE)
        return None
    if options["template"] or options["areas"]:
        raise CommandError(PLAN_SETS_IT)
    return plan_basis(find_plan(patient, options["plan"]))


def _areas(text: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in text.split(",") if a.strip())


def _reason_giver(patient: Patient, options: dict[str, Any]) -> User:
    """The practitioner who gives the reason for a course without a consultation."""
    if not options["reason"].strip() or not options["practitioner"]:
        raise CommandError(NEEDS_PLAN)
    user = User.objects.filter(
        username=options["practitioner"], clinic_id=patient.clinic_id, practitioner__isnull=False
    ).first()
    if user is None:
        raise CommandError(
            NOT_A_PRACTITIONER.format(username=options["practitioner"], clinic=patient.clinic)
        )
    return user


def describe(proposal: CourseProposal, booked: bool) -> str:
    """The proposal as lines a person reads."""
    lines = [f"{proposal.template_spec} for {proposal.patient}:"]
    for placed in proposal.placement.sessions:
        slot = placed.slot
        lines.append(
            f"  {placed.number}. {slot.start:%a %d %b %Y %H:%M}–{slot.end:%H:%M} "
            f"{slot.practitioner.name}, {slot.room.name}"
        )
    lines += [f"  {u.number}. not placed: {u.reason}" for u in proposal.placement.unplaced]
    lines.append("Booked." if booked else "Not booked: add --book to book the whole course.")
    return "\n".join(lines)
