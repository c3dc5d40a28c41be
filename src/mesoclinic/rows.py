"""New rows written in a few plain INSERT statements, for the bulk paths Django's compiler slows.

`bulk_create` prepares every value through several layers of the query compiler; a bulk import
spends more time there than in the database. Here each column's preparation is chosen once, and
a value whose preparation would not change what is stored (text, a number, a flag, nothing) is
passed on as it is. The rows and values are those `bulk_create` writes: auto_now fields are
stamped, everything else is prepared by its field.
"""

from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any, NamedTuple

import psycopg
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from psycopg.types.json import Jsonb

Row = Sequence[Any]


class EncodedJSON(str):
    """A JSON column's value already encoded, exactly as its field encodes it (`json.dumps`)."""


# Fields whose preparation hands these Python types to the driver unchanged.
PASSED_AS_IS: tuple[tuple[type[models.Field[Any, Any]], tuple[type, ...]], ...] = (
    (models.CharField, (str,)),
    (models.TextField, (str,)),
    (models.BooleanField, (bool,)),
    (models.IntegerField, (int,)),
    (models.ForeignKey, (int,)),
)


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Row],
    *,
    returning: bool = False,
    unique_fields: Sequence[str] = (),
    update_fields: Sequence[str] = (),
    using: str = "default",
) -> list[Any]:
    """Insert `rows` (values of the fields named by `columns`, as Python values); with
    `returning`, the new rows' primary keys, in order; with `unique_fields`, a row that is
    already there has its `update_fields` replaced."""
    connection = connections[using]
    fields = [_field(model, name) for name in columns]
    prepare = [_preparation(field, connection) for field in fields]
    values = [[p(value) for p, value in zip(prepare, row, strict=True)] for row in rows]
    if not values:
        return []
    statement = _Statement.of(model, fields, connection, unique_fields, update_fields, returning)
    if connection.vendor == "postgresql":
        return _insert_postgresql(connection, fields, statement, values)
    return _insert_sqlite(connection, fields, statement, values)


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), f"{name} is not a column of {model.__name__}"
    return field


class _Statement(NamedTuple):
    """An INSERT into some columns, with what follows the rows: on conflict, returning."""

    head: str
    width: int
    tail: str
    returning: bool

    @classmethod
    def of(
        cls,
        model: type[models.Model],
        fields: list[models.Field[Any, Any]],
        connection: BaseDatabaseWrapper,
        unique_fields: Sequence[str],
        update_fields: Sequence[str],
        returning: bool,
    ) -> "_Statement":
        quote = connection.ops.quote_name
        names = ", ".join(quote(f.column) for f in fields)
        tail = ""
        if unique_fields:
            conflict = ", ".join(quote(_field(model, n).column) for n in unique_fields)
            updated = [quote(_field(model, n).column) for n in update_fields]
            tail = f" ON CONFLICT({conflict}) DO UPDATE SET " + ", ".join(
                f"{c} = EXCLUDED.{c}" for c in updated
            )
        if returning:
            assert model._meta.pk is not None
            tail += f" RETURNING {quote(model._meta.pk.column)}"
        head = f"INSERT INTO {quote(model._meta.db_table)} ({names})"
        return cls(head, len(fields), tail, returning)

    def values(self, rows: int = 1) -> str:
        """The statement with placeholders for `rows` rows."""
        row = "(" + ", ".join(["%s"] * self.width) + ")"
        return f"{self.head} VALUES {', '.join([row] * rows)}{self.tail}"

    def unnest(self, types: list[str]) -> str:
        """The statement taking each column as one array of the database type in `types`."""
        arrays = ", ".join(f"%b::{kind}[]" for kind in types)
        return f"{self.head} SELECT * FROM UNNEST({arrays}){self.tail}"


def _insert_postgresql(
    connection: BaseDatabaseWrapper,
    fields: list[models.Field[Any, Any]],
    statement: _Statement,
    values: list[list[Any]],
) -> list[Any]:
    """Every row in one statement that unnests one array a column, sent in binary."""
    # Django's cursors send arrays as text, escaping every quote of a resource's JSON.
    types = [str(f.db_type(connection)).split("(")[0] for f in fields]
    with _binary_cursor(connection) as cursor:
        cursor.execute(statement.unnest(types), [list(c) for c in zip(*values, strict=True)])
        return [row[0] for row in cursor.fetchall()] if statement.returning else []


def _binary_cursor(connection: BaseDatabaseWrapper) -> CursorWrapper:
    """A cursor that sends values apart from the statement, logged and counted as Django's are."""
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = psycopg.Cursor(connection.connection)
    # Django's stubs name its own wrapper where these take the driver's cursor.
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)  # type: ignore[arg-type]
    return connection.make_cursor(raw)  # type: ignore[arg-type]


def _insert_sqlite(
    connection: BaseDatabaseWrapper,
    fields: list[models.Field[Any, Any]],
    statement: _Statement,
    values: list[list[Any]],
) -> list[Any]:
    """Rows that return their keys, as many to a statement as SQLite takes; others in one
    prepared statement."""
    with connection.cursor() as cursor:
        if not statement.returning:
            cursor.executemany(statement.values(), values)
            return []
        keys: list[Any] = []
        size = connection.ops.bulk_batch_size(fields, values)
        for start in range(0, len(values), size):
            batch = values[start : start + size]
            cursor.execute(statement.values(len(batch)), [value for row in batch for value in row])
            keys += [row[0] for row in cursor.fetchall()]
        return keys


def insert_objects(objs: Sequence[models.Model], using: str = "default") -> None:
    """Insert new, unsaved model instances of one model and give each its primary key, as
    `bulk_create` does."""
    if not objs:
        return
    model = type(objs[0])
    fields = [f for f in model._meta.concrete_fields if f is not model._meta.pk]
    values = [_value_of(field) for field in fields]
    rows = [[value(obj) for value in values] for obj in objs]
    keys = insert_rows(model, [f.name for f in fields], rows, returning=True, using=using)
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = using


def _value_of(field: models.Field[Any, Any]) -> Callable[[models.Model], Any]:
    """How an instance's value of `field` is read for an insert, as `bulk_create` reads it."""
    if type(field).pre_save is models.Field.pre_save:
        return attrgetter(field.attname)
    # An auto_now field stamps the time, on the instance too, as a save would.
    return lambda obj: field.pre_save(obj, True)


def _encoded(text: EncodedJSON, connection: BaseDatabaseWrapper) -> Any:
    if connection.vendor == "postgresql":
        # Sent as the JSON it already is: jsonb keeps the value, not the text.
        return Jsonb(text, dumps=str)
    return str(text)


def _preparation(
    field: models.Field[Any, Any], connection: BaseDatabaseWrapper
) -> Callable[[Any], Any]:
    """How one column's values are prepared for the driver."""
    plain = next(
        (types for kind, types in PASSED_AS_IS if isinstance(field, kind)),
        None,
    )
    if isinstance(field, models.JSONField):
        return lambda value: (
            _encoded(value, connection)
            if isinstance(value, EncodedJSON)
            else field.get_db_prep_save(value, connection=connection)
        )
    if plain is None:
        return lambda value: field.get_db_prep_save(value, connection=connection)
    return lambda value: (
        value
        if value is None or type(value) in plain
        else field.get_db_prep_save(value, connection=connection)
    )
