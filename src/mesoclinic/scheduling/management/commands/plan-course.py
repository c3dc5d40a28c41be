"""`mesoclinic plan-course PATIENT --template ID --from DATE [--book]`: plan, and book, a course."""

import argparse
from typing import Any

from django.core.management.base import CommandError

from mesoclinic.clinical.planner import Preferences, TimeOfDay
from mesoclinic.clinical.protocols import UnknownProtocol
from mesoclinic.commands import ReportCommand, calendar_date
from mesoclinic.patients.queries import PatientNotFound, find_patient
from mesoclinic.scheduling.course_rules import template_named
from mesoclinic.scheduling.domain.booking import SlotTaken
from mesoclinic.scheduling.domain.courses import CourseIncomplete, course_book
from mesoclinic.scheduling.gate import BookingRefused
from mesoclinic.scheduling.proposals import CourseProposal, proposal_to_json, propose_course

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def weekdays(text: str) -> frozenset[int]:
    names = [name.strip().lower()[:3] for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in WEEKDAYS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"weekdays are {', '.join(WEEKDAYS)}; got {text!r}")
    return frozenset(WEEKDAYS.index(name) for name in names)


class Command(ReportCommand):
    help = "Plan the earliest whole course of sessions for a patient, and book it with --book."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("patient", help="internal id or the FHIR id it was imported with")
        parser.add_argument("--template", required=True, help="protocol id, or protocol/template")
        parser.add_argument(
            "--from", dest="first", required=True, type=calendar_date, metavar="DATE"
        )
        parser.add_argument("--book", action="store_true", help="book the whole course")
        parser.add_argument("--areas", default="face", help="areas treated, comma-separated")
        parser.add_argument("--sessions", type=int, help="how many sessions (default: the most)")
        parser.add_argument("--time-of-day", choices=[t.value for t in TimeOfDay], default="any")
        parser.add_argument("--weekdays", type=weekdays, default=frozenset(range(7)))
        parser.add_argument(
            "--any-practitioner", action="store_true", help="sessions may change practitioner"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        proposal = self.proposal(options)
        document = proposal_to_json(proposal)
        if options["book"]:
            course = self.book(proposal)
            document["course"] = course.pk
        self.report(options, document, describe(proposal, options["book"]))

    def proposal(self, options: dict[str, Any]) -> CourseProposal:
        try:
            patient = find_patient(None, options["patient"], purpose="plan course")
            protocol, template = template_named(options["template"])
            preferences = Preferences(
                same_practitioner=not options["any_practitioner"],
                time_of_day=TimeOfDay(options["time_of_day"]),
                weekdays=options["weekdays"],
            )
            areas = tuple(a.strip() for a in options["areas"].split(",") if a.strip())
            return propose_course(
                patient,
                protocol,
                template,
                options["first"],
                areas=areas,
                preferences=preferences,
                sessions=options["sessions"],
            )
        except (PatientNotFound, UnknownProtocol, LookupError, ValueError) as error:
            raise CommandError(str(error)) from None

    def book(self, proposal: CourseProposal) -> Any:
        try:
            return course_book(proposal=proposal, by=None)
        except (CourseIncomplete, SlotTaken, BookingRefused) as error:
            raise CommandError(str(error)) from None


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
