"""The Content-Security-Policy header, and templates that need no exception to it."""

import re
from pathlib import Path

from django.urls import reverse

from mesoclinic.csp import POLICY

SOURCE = Path(__file__).resolve().parents[1] / "src" / "mesoclinic"
# An inline <script> (one without src), a style="…" attribute, or an on…= event handler.
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def test_every_page_carries_the_policy(client, client_for, paula, pat):
    login = client.get(reverse("login"))
    chart = client_for(paula).get(reverse("chart", args=[pat.pk]))
    api = client.get("/api/v1/openapi.json")
    assert [r["Content-Security-Policy"] for r in (login, chart, api)] == [POLICY] * 3
    assert POLICY == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
    )


def test_no_template_has_inline_script_style_or_handler():
    found = {
        str(path.relative_to(SOURCE)): INLINE.findall(path.read_text())
        for path in SOURCE.rglob("templates/**/*.html")
    }
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_api_docs_load_swagger_from_our_own_static_files(client):
    page = client.get("/api/v1/docs").content.decode()
    assert re.findall(r'<script src="([^"]+)"', page) == [
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
    ]
