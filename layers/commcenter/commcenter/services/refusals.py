"""What the data store refuses of a request, as the domain's refusal: the HTTP layer maps errors to
answers in one place, and reaches the tables' errors only through here."""

from __future__ import annotations

from commcenter.data.base import refused_input
from commcenter.errors import ValidationError


def refusal_of(error: BaseException) -> ValidationError | None:
    """A 400 for a value DynamoDB refused as invalid (too long a key, too many digits, a cursor
    outside the query), else None: any other error is the stack's own failure."""
    return refused_input(error)
