"""The clinic's reports: each figure counted by the database in a fixed number of queries, and
the patients behind any one figure.

A report covers a date range in the clinic's time zone and, optionally, one practitioner:
- courses: started (session 1 in range), completed, abandoned (cancelled), still active;
- no-shows: appointments in range the patient missed, of all that took place or were missed;
- GAIS: the course scores given in range, by protocol, practitioner and product, per rater;
- side effects: reports after sessions in range, by kind and triage, per 100 sessions, by
  product and by lot; a lot whose urgent reports per 100 sessions pass its product's stands out;
- follow-up: hours from a review or urgent report to its acknowledgement;
- screening: the verdicts courses were booked on, and the overrides.
Which figures and how they are counted are product decisions (SPEC.md, outcomes).
"""

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from mesoclinic.accounts.models import Clinic
from mesoclinic.followup.models import SideEffectReport
from mesoclinic.inventory.models import Lot
from mesoclinic.outcomes.models import GaisScore
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Course,
    CourseStatus,
)
from mesoclinic.treatments.models import ChartPoint, TreatmentSession

REPORTS = ("courses", "no-shows", "gais", "side-effects", "follow-up", "screening")


@dataclass(frozen=True)
class Scope:
    """What a report covers: the clinic, from `start` (included) to `end` (excluded), and one
    practitioner (their id) or all."""

    clinic: Clinic
    start: dt.datetime
    end: dt.datetime
    practitioner_id: int | None = None


@dataclass
class Row:
    """One figure: its label, its value, and the key that finds the patients behind it."""

    label: str
    value: float
    key: str
    count: int = 0
    note: str = ""
    stands_out: bool = False


@dataclass
class Table:
    title: str
    rows: list[Row] = field(default_factory=list)
    unit: str = ""


# Courses ------------------------------------------------------------------------------------


def _courses(scope: Scope) -> QuerySet[Course]:
    """The courses whose first session falls in the range (and is the practitioner's)."""
    first = Appointment.objects.filter(
        course=OuterRef("pk"), number=1, start__gte=scope.start, start__lt=scope.end
    )
    if scope.practitioner_id is not None:
        first = first.filter(practitioner_id=scope.practitioner_id)
    return Course.objects.filter(Exists(first), clinic=scope.clinic)


COURSE_FIGURES = {
    "started": Q(),
    "completed": Q(status=CourseStatus.COMPLETED),
    "abandoned": Q(status=CourseStatus.CANCELLED),
    "active": Q(status__in=(CourseStatus.ACTIVE, CourseStatus.PLANNED)),
}


def courses_report(scope: Scope) -> Table:
    counts = _courses(scope).aggregate(
        **{name: Count("pk", filter=q) for name, q in COURSE_FIGURES.items()}
    )
    return Table(
        "Courses",
        [Row(name.capitalize(), counts[name], name, counts[name]) for name in COURSE_FIGURES],
        "courses",
    )


# No-shows -----------------------------------------------------------------------------------


def _appointments(scope: Scope) -> QuerySet[Appointment]:
    found = Appointment.objects.filter(
        clinic=scope.clinic, start__gte=scope.start, start__lt=scope.end
    )
    if scope.practitioner_id is not None:
        found = found.filter(practitioner_id=scope.practitioner_id)
    return found


def no_shows_report(scope: Scope) -> Table:
    held = (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW)
    rows = (
        _appointments(scope)
        .filter(status__in=held)
        .values("kind")
        .annotate(
            missed=Count("pk", filter=Q(status=AppointmentStatus.NO_SHOW)),
            due=Count("pk"),
        )
        .order_by("kind")
    )
    table = Table("No-shows", unit="% of appointments due")
    for row in rows:
        kind = AppointmentKind(row["kind"]).label
        rate = round(100 * row["missed"] / row["due"], 1)
        note = f"{row['missed']} of {row['due']}"
        table.rows.append(Row(f"{kind}s", rate, row["kind"], row["missed"], note))
    return table


# GAIS ---------------------------------------------------------------------------------------


def _scores(scope: Scope) -> QuerySet[GaisScore]:
    scores = GaisScore.objects.filter(
        clinic=scope.clinic,
        session__isnull=True,
        recorded_at__gte=scope.start,
        recorded_at__lt=scope.end,
    )
    if scope.practitioner_id is not None:
        scores = scores.filter(practitioner_id=scope.practitioner_id)
    return scores


GAIS_BY = {
    "protocol": "course__protocol_id",
    "practitioner": "practitioner__user__last_name",
    "product": "course__sessions__session_record__points__lot__product__name",
}


def gais_report(scope: Scope, by: str) -> Table:
    """How many scores of each value, per protocol, practitioner or product, and per rater."""
    column = GAIS_BY[by]
    scores = _scores(scope)
    rows = (
        # A filter, not an exclude: the joins become inner ones the planner may reorder.
        scores.filter(**{f"{column}__isnull": False})
        .values(column, "rater", "score")
        .annotate(n=Count("pk", distinct=True))
        .order_by(column, "rater", "score")
    )
    table = Table(f"GAIS by {by}", unit="scores")
    for row in rows:
        group = row[column] or "—"
        label = f"{group} · {row['rater']} · {row['score']}"
        key = f"{by}|{group}|{row['rater']}|{row['score']}"
        table.rows.append(Row(label, row["n"], key, row["n"]))
    return table


# Side effects -------------------------------------------------------------------------------


def _sessions(scope: Scope) -> QuerySet[TreatmentSession]:
    """The signed sessions started in range. By the record's own start, not its appointment's:
    the same day, and no join to a million appointments (bench/bench_reports.py)."""
    sessions = TreatmentSession.objects.filter(
        clinic=scope.clinic,
        signed_at__isnull=False,
        started_at__gte=scope.start,
        started_at__lt=scope.end,
    )
    if scope.practitioner_id is not None:
        sessions = sessions.filter(practitioner_id=scope.practitioner_id)
    return sessions


def _reports(scope: Scope) -> QuerySet[SideEffectReport]:
    return SideEffectReport.objects.filter(
        session__session_record__in=_sessions(scope).values("pk")
    )


def side_effects_report(scope: Scope) -> Table:
    """Reports by kind and triage, per 100 signed sessions in range."""
    sessions = _sessions(scope).count()
    rows = (
        _reports(scope)
        .values("effect", "triage")
        .annotate(n=Count("pk"))
        .order_by("effect", "triage")
    )
    table = Table(f"Side effects per 100 sessions ({sessions} sessions)", unit="per 100 sessions")
    for row in rows:
        rate = round(100 * row["n"] / sessions, 1) if sessions else 0.0
        label = f"{row['effect']} · {row['triage']}"
        table.rows.append(
            Row(label, rate, f"effect|{row['effect']}|{row['triage']}", row["n"], f"{row['n']}")
        )
    return table


LOT = "session__session_record__points__lot"


def side_effects_by_lot(scope: Scope) -> Table:
    """Per product and per lot: urgent reports per 100 signed sessions that used it. A lot with
    more urgent reports per 100 sessions than its product's stands out."""
    points = ChartPoint.objects.filter(session__in=_sessions(scope).values("pk"))
    lot_sessions = _per(points, "lot_id", Count("session", distinct=True))
    product_sessions = _per(points, "lot__product_id", Count("session", distinct=True))
    urgent = _reports(scope).filter(triage="urgent")
    lot_urgent = _per(urgent, f"{LOT}_id", Count("pk", distinct=True))
    product_urgent = _per(urgent, f"{LOT}__product_id", Count("pk", distinct=True))
    lots = Lot.objects.filter(pk__in=list(lot_sessions)).select_related("product")
    table = Table("Urgent side effects per 100 sessions, by product and lot", unit="per 100")
    average: dict[int, float] = {}
    for lot in lots.order_by("product__name", "number"):
        product = lot.product_id
        if product not in average:
            urgent_n, sessions_n = product_urgent.get(product, 0), product_sessions[product]
            average[product] = 100 * urgent_n / sessions_n
            table.rows.append(
                Row(
                    lot.product.name,
                    round(average[product], 1),
                    f"product|{product}",
                    urgent_n,
                    f"{urgent_n} urgent in {sessions_n} sessions",
                )
            )
        urgent_n, sessions_n = lot_urgent.get(lot.pk, 0), lot_sessions[lot.pk]
        rate = 100 * urgent_n / sessions_n
        table.rows.append(
            Row(
                f"{lot.product.name} lot {lot.number}",
                round(rate, 1),
                f"lot|{lot.pk}",
                urgent_n,
                f"{urgent_n} urgent in {sessions_n} sessions",
                stands_out=rate > average[product],
            )
        )
    return table


def _per(rows: QuerySet[Any], column: str, count: Count) -> dict[int, int]:
    """How many of `rows` per value of `column`, grouped by ids alone and unordered: names and
    the models' own orderings would widen the sort behind each count, or join another table."""
    return {row[column]: row["n"] for row in rows.values(column).annotate(n=count).order_by()}


# Follow-up response times -------------------------------------------------------------------


def _followed(scope: Scope) -> QuerySet[SideEffectReport]:
    reports = SideEffectReport.objects.filter(
        clinic=scope.clinic,
        triage__in=("review", "urgent"),
        reported_at__gte=scope.start,
        reported_at__lt=scope.end,
    )
    if scope.practitioner_id is not None:
        reports = reports.filter(practitioner_id=scope.practitioner_id)
    return reports


def follow_up_report(scope: Scope) -> Table:
    """Median hours from a review or urgent report to its acknowledgement, and those waiting."""
    waits: dict[str, list[float]] = defaultdict(list)
    waiting: dict[str, int] = defaultdict(int)
    rows = _followed(scope).values_list("triage", "reported_at", "acknowledged_at")
    for triage, reported, acknowledged in rows:
        if acknowledged is None:
            waiting[triage] += 1
        else:
            waits[triage].append((acknowledged - reported).total_seconds() / 3600)
    table = Table("Follow-up: hours to acknowledge", unit="hours (median)")
    for triage in ("urgent", "review"):
        if triage not in waits and triage not in waiting:
            continue
        done = waits[triage]
        median = round(statistics.median(done), 1) if done else 0.0
        note = f"{len(done)} acknowledged, {waiting[triage]} waiting"
        table.rows.append(Row(triage.capitalize(), median, f"triage|{triage}", len(done), note))
    return table


# Screening ----------------------------------------------------------------------------------


def screening_report(scope: Scope) -> Table:
    """The verdicts courses were booked on, and how many a practitioner overrode."""
    rows = (
        _courses(scope)
        .values("verdict")
        .annotate(n=Count("pk"), overridden=Count("pk", filter=~Q(override_reason="")))
        .order_by("verdict")
    )
    table = Table("Screening at booking", unit="courses")
    for row in rows:
        note = f"{row['overridden']} overridden" if row["overridden"] else ""
        table.rows.append(
            Row(row["verdict"], row["n"], f"verdict|{row['verdict']}", row["n"], note)
        )
        if row["overridden"]:
            table.rows.append(
                Row(
                    f"{row['verdict']} · overridden",
                    row["overridden"],
                    f"override|{row['verdict']}",
                    row["overridden"],
                )
            )
    return table


def report_tables(scope: Scope, name: str) -> list[Table]:
    """The tables of report `name`."""
    if name == "courses":
        return [courses_report(scope)]
    if name == "no-shows":
        return [no_shows_report(scope)]
    if name == "gais":
        return [gais_report(scope, by) for by in GAIS_BY]
    if name == "side-effects":
        return [side_effects_report(scope), side_effects_by_lot(scope)]
    if name == "follow-up":
        return [follow_up_report(scope)]
    if name == "screening":
        return [screening_report(scope)]
    raise KeyError(name)


# The patients behind a figure ---------------------------------------------------------------


def _patients_of(
    ids: QuerySet[Course]
    | QuerySet[Appointment]
    | QuerySet[GaisScore]
    | QuerySet[SideEffectReport],
) -> QuerySet[Patient]:
    return Patient.objects.filter(pk__in=ids.values("patient_id")).order_by("family_name", "pk")


def _behind_courses(scope: Scope, kind: str, parts: list[str]) -> QuerySet[Patient]:
    if kind not in COURSE_FIGURES:
        return Patient.objects.none()
    return _patients_of(_courses(scope).filter(COURSE_FIGURES[kind]))


def _behind_no_shows(scope: Scope, kind: str, parts: list[str]) -> QuerySet[Patient]:
    missed = _appointments(scope).filter(kind=kind, status=AppointmentStatus.NO_SHOW)
    return _patients_of(missed)


def _behind_gais(scope: Scope, kind: str, parts: list[str]) -> QuerySet[Patient]:
    if kind not in GAIS_BY or len(parts) != 3 or not parts[2].isdigit():
        return Patient.objects.none()
    group, rater, score = parts
    scores = _scores(scope).filter(rater=rater, score=int(score))
    return _patients_of(scores.filter(**{GAIS_BY[kind]: group}))


def _behind_side_effects(scope: Scope, kind: str, parts: list[str]) -> QuerySet[Patient]:
    if kind == "effect" and len(parts) == 2:
        return _patients_of(_reports(scope).filter(effect=parts[0], triage=parts[1]))
    if kind in ("product", "lot") and parts[0].isdigit():
        column = f"{LOT}__product_id" if kind == "product" else f"{LOT}_id"
        return _patients_of(_reports(scope).filter(triage="urgent", **{column: int(parts[0])}))
    return Patient.objects.none()


def _behind_follow_up(scope: Scope, kind: str, parts: list[str]) -> QuerySet[Patient]:
    return _patients_of(_followed(scope).filter(triage=parts[0]))


def _behind_screening(scope: Scope, kind: str, parts: list[str]) -> QuerySet[Patient]:
    courses = _courses(scope).filter(verdict=parts[0])
    if kind == "override":
        courses = courses.exclude(override_reason="")
    return _patients_of(courses)


BEHIND = {
    "courses": _behind_courses,
    "no-shows": _behind_no_shows,
    "gais": _behind_gais,
    "side-effects": _behind_side_effects,
    "follow-up": _behind_follow_up,
    "screening": _behind_screening,
}


def patients_behind(scope: Scope, name: str, key: str) -> QuerySet[Patient]:
    """The patients a figure of report `name` counts (its key, as the figure's row gives it);
    a key no figure has finds nobody."""
    kind, _, rest = key.partition("|")
    return BEHIND[name](scope, kind, rest.split("|"))
