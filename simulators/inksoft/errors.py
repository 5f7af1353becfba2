"""Errors the InkSoft simulator answers with: each knows its HTTP status and envelope StatusCode."""

from __future__ import annotations


class ApiError(Exception):
    """A refusal rendered as the InkSoft error envelope (`OK:false`, `Data:false`, one message)."""

    http_status = 400
    # The typed StatusCode enum knows OK, BadRequest, NotFound and InternalServerError only; 401/403
    # carry names outside it (inferred), so clients must rely on the HTTP status, as the reference says.
    status_code = "BadRequest"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(ApiError):
    pass


class NotFound(ApiError):
    http_status = 404
    status_code = "NotFound"


class Unauthorized(ApiError):
    http_status = 401
    status_code = "Unauthorized"


class Forbidden(ApiError):
    http_status = 403
    status_code = "Forbidden"


class MethodNotAllowed(ApiError):
    http_status = 405
