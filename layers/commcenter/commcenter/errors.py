"""Typed errors of the domain. The HTTP layer maps each one to a status in exactly one place."""

from __future__ import annotations


class CommcenterError(Exception):
    """Base of every error the product raises on purpose."""

    code = "error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:  # a more precise code than the class's, for clients to act on
            self.code = code


class ValidationError(CommcenterError):
    """The input is not acceptable; `fields` says which field is wrong and why."""

    code = "validation_error"

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


class NotFoundError(CommcenterError):
    code = "not_found"


class ConflictError(CommcenterError):
    """The write lost a race or breaks a uniqueness rule; nothing was changed."""

    code = "conflict"


class ForbiddenError(CommcenterError):
    code = "forbidden"


class UnauthorizedError(CommcenterError):
    code = "unauthorized"


class BusyError(CommcenterError):
    """A shared item stayed held by other writes past every retry; nothing was changed, and the
    same request may be sent again (Twilio replays a webhook answered 5xx)."""

    code = "busy"


class ConfigurationError(CommcenterError):
    """The stack is misconfigured (a missing table name, a bad region)."""

    code = "configuration_error"
