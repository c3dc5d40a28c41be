"""On PostgreSQL, received resources' long columns are compressed with lz4."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite does not compress"),
]

COMPRESSION = """
SELECT attname, attcompression FROM pg_attribute
WHERE attrelid = 'fhir_receivedresource'::regclass
  AND attname IN ('resource', 'resource_text', 'mapped')
ORDER BY attname
"""


def test_long_columns_use_lz4():
    with connection.cursor() as cursor:
        cursor.execute(COMPRESSION)
        compression = dict(cursor.fetchall())

    assert compression == {"mapped": "l", "resource": "l", "resource_text": "l"}
