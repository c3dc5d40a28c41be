"""Requests and responses at the door: no NUL characters in, no patient data left in caches."""

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control

NUL_REFUSED = "A NUL character is not allowed in an address, a query or a form."


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    # Uploads are parsed as streams; only forms and JSON are read whole here.
    if request.method not in ("POST", "PUT", "PATCH") or (request.content_type or "").startswith(
        "multipart/"
    ):
        return False
    try:
        body = request.body
    except RequestDataTooBig:
        return False  # the view that reads it says how large a body may be
    if request.content_type == "application/x-www-form-urlencoded":
        return b"%00" in body
    # In JSON a NUL arrives escaped.
    return b"\x00" in body or b"\\u0000" in body


class RefuseNulMiddleware:
    """Answer 400 to a NUL character anywhere in a request: no database stores one in text."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": NUL_REFUSED}, status=400)
            return HttpResponseBadRequest(NUL_REFUSED, content_type="text/plain")
        return self.get_response(request)


class NoStoreMiddleware:
    """Every page and API answer may carry patient data: no browser or proxy may keep it.

    Static files are answered before this middleware and keep their own caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        return response
