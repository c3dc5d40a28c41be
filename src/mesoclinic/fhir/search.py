"""FHIR R4 search values read into database filters: tokens, references and dates.

Each function takes one occurrence of a parameter (comma-separated values are alternatives) and
returns a `Q`; a value that cannot be read raises `BadSearch`, naming the parameter and the value.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

# FHIR search prefixes we read; `ap` (approximately) is left out on purpose: its width is ours to
# choose, and a client cannot know it.
PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb")
DATE = re.compile(
    r"^(?P<year>\d{4})(-(?P<month>\d{2})(-(?P<day>\d{2})"
    r"(T(?P<hour>\d{2}):(?P<minute>\d{2})(:(?P<second>\d{2})(\.\d+)?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)
NOTHING = Q(pk__in=[])


class BadSearch(ValueError):
    """A search parameter's value that cannot be read, or a parameter we do not support."""


@dataclass(frozen=True)
class Span:
    """The instants a FHIR date value stands for: from `start` up to, not including, `end`."""

    start: dt.datetime
    end: dt.datetime


def alternatives(value: str) -> list[str]:
    """The comma-separated alternatives of one parameter (`\\,` is a comma inside a value)."""
    parts = re.split(r"(?<!\\),", value)
    return [part.replace("\\,", ",") for part in parts]


def any_of(name: str, value: str, one: Callable[[str], Q]) -> Q:
    """The rows matching any of the alternatives."""
    found = NOTHING
    for part in alternatives(value):
        if not part:
            raise BadSearch(f"Search parameter {name!r} has an empty value in {value!r}.")
        found |= one(part)
    return found


def token(name: str, value: str, system_field: str | None, code_field: str, system: str = "") -> Q:
    """`code`, `system|code`, `|code` or `system|` against one (system, code) pair of columns.

    Without a system column the element's system is `system` (a status's code system).
    """

    def one(part: str) -> Q:
        wanted_system, bar, code = part.rpartition("|")
        if not bar:
            return Q(**{code_field: code})
        if system_field is None:
            if wanted_system != system:
                return NOTHING
            return Q(**{code_field: code}) if code else ~NOTHING
        found = Q(**{system_field: wanted_system})
        return found & Q(**{code_field: code}) if code else found

    return any_of(name, value, one)


def coding_token(name: str, value: str, model: type[Model]) -> Q:
    """`code`, `system|code`, `|code` or `system|` against every coding of a code.

    The first coding is also kept in (code_system, code) columns; the rest are in the `codings`
    JSON list, searched with the database's own JSON functions.
    """
    table = model._meta.db_table

    def one(part: str) -> Q:
        wanted_system, bar, code = part.rpartition("|")
        first = token(name, part, "code_system", "code")
        conditions, params = [], []
        if code:
            conditions.append(_json_text("code"))
            params.append(code)
        if bar:
            conditions.append(_json_text("system"))
            params.append(wanted_system)
        where = " AND ".join(f"{condition} = %s" for condition in conditions)
        inner = _json_rows(table)
        return first | Q(pk__in=RawSQL(f"{inner} WHERE {where}", params))

    return any_of(name, value, one)


def _json_rows(table: str) -> str:
    if connection.vendor == "postgresql":
        return f'SELECT t.id FROM "{table}" t, jsonb_array_elements(t.codings) j'
    return f'SELECT t.id FROM "{table}" t, json_each(t.codings) j'


def _json_text(key: str) -> str:
    if connection.vendor == "postgresql":
        return f"j.value->>'{key}'"
    return f"json_extract(j.value, '$.{key}')"


def reference(name: str, value: str, field: str, resource_type: str) -> Q:
    """`<id>`, `<Type>/<id>` or an absolute address ending so, against the referenced FHIR id."""

    def one(part: str) -> Q:
        kind, slash, fhir_id = part.rpartition("/")
        if not fhir_id:
            raise BadSearch(f"Search parameter {name!r}: {part!r} names no {resource_type} id.")
        if slash and not kind.endswith(resource_type):
            raise BadSearch(
                f"Search parameter {name!r} refers to {resource_type} resources, not {part!r}."
            )
        return Q(**{field: fhir_id})

    return any_of(name, value, one)


def span(name: str, text: str) -> Span:
    """The instants a FHIR date, dateTime or instant stands for, at its own precision."""
    match = DATE.match(text)
    if match is None:
        raise BadSearch(
            f"Search parameter {name!r}: {text!r} is not a FHIR date "
            "(YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with a time zone)."
        )
    parts = {key: int(v) for key, v in match.groupdict().items() if v and key != "zone"}
    zone = _zone(match["zone"])
    try:
        start = dt.datetime(parts["year"], parts.get("month", 1), parts.get("day", 1), tzinfo=zone)
        if "hour" in parts:
            start = start.replace(
                hour=parts["hour"], minute=parts["minute"], second=parts.get("second", 0)
            )
    except ValueError as error:
        raise BadSearch(f"Search parameter {name!r}: {text!r} is not a date ({error}).") from None
    if "hour" in parts:
        end = start + (dt.timedelta(seconds=1) if "second" in parts else dt.timedelta(minutes=1))
    elif "day" in parts:
        end = start + dt.timedelta(days=1)
    elif "month" in parts:
        month = parts["month"] % 12 + 1
        end = start.replace(year=parts["year"] + (month == 1), month=month)
    else:
        end = start.replace(year=parts["year"] + 1)
    return Span(start, end)


def _zone(text: str | None) -> dt.tzinfo:
    """A value without a zone is in the clinic's time zone."""
    if text is None:
        return timezone.get_current_timezone()
    if text == "Z":
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    return dt.timezone(sign * dt.timedelta(hours=int(text[1:3]), minutes=int(text[4:6])))


def date(name: str, value: str, field: str, day_only: bool = False) -> Q:
    """`[prefix]date` against one date or date-time column (`day_only` for a date column)."""

    def one(part: str) -> Q:
        prefix = part[:2] if part[:2] in PREFIXES else "eq"
        when = span(name, part[2:] if part[:2] in PREFIXES else part)
        start: dt.date | dt.datetime = when.start
        end: dt.date | dt.datetime = when.end
        if day_only:
            # A date column holds whole days: a day counts if any of it falls in the span.
            start = when.start.astimezone(timezone.get_current_timezone()).date()
            last = (when.end - dt.timedelta(microseconds=1)).astimezone(
                timezone.get_current_timezone()
            )
            end = last.date() + dt.timedelta(days=1)
        inside = Q(**{f"{field}__gte": start, f"{field}__lt": end})
        return {
            "eq": inside,
            "ne": Q(**{f"{field}__isnull": False}) & ~inside,
            "gt": Q(**{f"{field}__gte": end}),
            "sa": Q(**{f"{field}__gte": end}),
            "ge": Q(**{f"{field}__gte": start}),
            "lt": Q(**{f"{field}__lt": start}),
            "eb": Q(**{f"{field}__lt": start}),
            "le": Q(**{f"{field}__lt": end}),
        }[prefix]

    return any_of(name, value, one)
