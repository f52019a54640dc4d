"""Quick replies (I4): a rep's saved texts, their own or shared with the team, inserted into an SMS
or an email reply with the person's and the rep's names filled in.

A placeholder is a name in braces: `{first_name}`, `{last_name}`, `{company}` (from the record the
reply is for) and `{my_name}` (the rep writing). Names are read without regard to case or to
spaces inside the braces (`{ First_Name }`). A value the record does not have becomes empty; a
name in braces that is not one of these is kept as typed and reported, so the rep sees it before
sending. Braces around anything else (`{see attached}`) are plain text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import msgspec

from commcenter.errors import ValidationError

MAX_TITLE = 80
MAX_BODY = 2_000
MAX_PER_REP = 200  # a rep's own, shared or not

PLACEHOLDERS = ("first_name", "last_name", "company", "my_name")

_PLACEHOLDER = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]{0,39})\s*\}")


class QuickReplyInput(msgspec.Struct, forbid_unknown_fields=True):
    """What a rep writes: the title the picker offers it by, the text, and whether the whole team
    sees it (a shared reply is still edited only by its owner or an admin)."""

    title: str
    body: str
    shared: bool = False
    # A new reply's: the same for a retried POST, which then answers the reply it created.
    client_request_id: str | None = None


class QuickReply(msgspec.Struct, kw_only=True):
    """A saved reply as the API answers it.

    `filled` is the body with its placeholders filled for the record asked for (and the rep
    asking), `unknown` the placeholders kept as typed; `editable` says whether the rep asking may
    change or delete it."""

    id: str
    title: str
    body: str
    shared: bool
    owner_id: str
    created_at: str
    updated_at: str
    version: int = 1
    filled: str = ""
    unknown: list[str] = []
    editable: bool = True


class QuickReplyList(msgspec.Struct):
    """The rep's own quick replies and the team's shared ones, by title."""

    items: list[QuickReply]


class FilledText(msgspec.Struct):
    text: str
    unknown: list[str]


def clean_quick_reply(wanted: QuickReplyInput) -> QuickReplyInput:
    """The title on one line, the body with `\\n` line breaks and no blank ends.

    Raises ValidationError naming each wrong field (`title`, `body`)."""
    title = " ".join(wanted.title.split())
    body = wanted.body.replace("\r\n", "\n").replace("\r", "\n").strip()
    problems: dict[str, str] = {}
    if not title:
        problems["title"] = "a title is needed"
    elif len(title) > MAX_TITLE:
        problems["title"] = f"at most {MAX_TITLE} characters"
    if not body:
        problems["body"] = "the reply has no text"
    elif len(body) > MAX_BODY:
        problems["body"] = f"at most {MAX_BODY:,} characters"
    if problems:
        field, problem = next(iter(problems.items()))
        raise ValidationError(f"{field}: {problem}", problems)
    return QuickReplyInput(title=title, body=body, shared=wanted.shared)


def placeholder_values(
    *, first_name: str = "", last_name: str = "", company: str = "", my_name: str = ""
) -> dict[str, str]:
    """The value of each placeholder (empty where there is none)."""
    return {"first_name": first_name, "last_name": last_name, "company": company, "my_name": my_name}


def fill_placeholders(body: str, values: Mapping[str, str | None]) -> FilledText:
    """`body` with every known placeholder replaced by its value (empty when missing); unknown
    ones are kept as typed and listed once each, in the order they first appear."""
    unknown: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group(1).lower()
        if name in PLACEHOLDERS:
            return (values.get(name) or "").strip()
        if match.group(0) not in unknown:
            unknown.append(match.group(0))
        return match.group(0)

    return FilledText(text=_PLACEHOLDER.sub(replace, body), unknown=unknown)
