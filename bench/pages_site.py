"""The clinic's site as gunicorn serves it, plus one trivial view to measure the pages against.

Only the page benchmark serves this (`gunicorn pages_site:application`); the trivial view goes
through the same middleware (sessions, sign-in, second factor, CSP) and does nothing else.
"""

import os

from django.http import HttpRequest, HttpResponse
from django.urls import path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoclinic.settings")


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _application():  # type: ignore[no-untyped-def]
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    settings.ROOT_URLCONF = "pages_site"
    return get_wsgi_application()


application = _application()

from mesoclinic.urls import urlpatterns as site  # noqa: E402  (after Django is set up)

urlpatterns = [path("bench/trivial/", trivial), *site]
