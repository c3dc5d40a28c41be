"""The JSON API's error answers, declared for the OpenAPI document: every route says which."""

from typing import Any

from ninja import Schema


class ApiError(Schema):
    """What went wrong: a sentence, or for invalid input the list of fields and why."""

    detail: str | list[dict[str, Any]]


WHY = {
    400: "Bad input (a NUL character, an unreadable body)",
    401: "No valid session or API token",
    403: "The role or the token's scope does not allow this",
    404: "No such record in your clinic",
    409: "A conflict: someone else booked the same time first, or the record is signed",
    413: "The body is larger than the server accepts",
    422: "The input is well-formed but cannot be used; `detail` says which field and why",
}


def errors(*codes: int) -> dict[int, type[ApiError]]:
    """The error answers a route gives, for its `response=`; 400, 401 and 403 always."""
    return {code: ApiError for code in sorted({400, 401, 403, *codes})}
