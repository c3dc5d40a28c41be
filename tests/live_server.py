"""The live server the browser tests drive, safe on the in-memory SQLite test database.

On SQLite the test database lives in memory, shared by every connection of the process. There
SQLite locks table by table and `BEGIN IMMEDIATE` keeps no writer out, so two requests at once
(a page's two photos) could both read the audit chain's head and write at the same place, or
find a table locked. A clinic's SQLite is a file, where `BEGIN IMMEDIATE` does keep writers
apart. So on SQLite the test server answers one request at a time, closing each connection as
Django does for a server without threads; on PostgreSQL requests run at once, as in production.
"""

from typing import Any

from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django.test import testcases


class OneRequestAtATime(WSGIServer):
    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class LiveServerThread(testcases.LiveServerThread):
    def _create_server(self, connections_override: Any = None) -> Any:
        if connections["default"].vendor == "sqlite":
            self.server_class = OneRequestAtATime
        return super()._create_server(connections_override)


def use_for_the_live_server() -> None:
    """pytest-django's `live_server` takes Django's thread class from here when it starts."""
    testcases.LiveServerThread = LiveServerThread  # type: ignore[misc]
