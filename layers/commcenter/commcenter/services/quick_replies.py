"""Quick replies (I4): a rep lists their own and the team's shared ones, each filled for the
record they are replying to; writes their own; only the owner or an admin changes or deletes a
shared one. Another rep's reply kept to themself is invisible (404) to everybody else, admins
included; another rep's shared one is visible but not theirs to change (403)."""

from __future__ import annotations

import re

from commcenter.data import quick_replies as quick_replies_data
from commcenter.data import records as records_data
from commcenter.domain.clock import now_iso
from commcenter.domain.ids import checked_request_id, new_id
from commcenter.domain.quick_replies import (
    MAX_PER_REP,
    QuickReply,
    QuickReplyInput,
    QuickReplyList,
    clean_quick_reply,
    fill_placeholders,
    placeholder_values,
)
from commcenter.domain.records import Record
from commcenter.domain.reps import Rep
from commcenter.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError

_ID = re.compile(r"^[0-9A-Z]{26}$")  # a ULID


def _checked(value: str, field: str) -> str:
    if not _ID.match(value):
        raise ValidationError(f"{field} is not an id", {field: "malformed"})
    return value


def _shown(reply: QuickReply, rep: Rep, values: dict[str, str]) -> QuickReply:
    filled = fill_placeholders(reply.body, values)
    reply.filled = filled.text
    reply.unknown = filled.unknown
    reply.editable = reply.owner_id == rep.id or rep.role == "admin"
    return reply


def _values(rep: Rep, record: Record | None) -> dict[str, str]:
    if record is None:
        return placeholder_values(my_name=rep.name)
    return placeholder_values(
        first_name=record.first_name,
        last_name=record.last_name,
        company=record.company_name,
        my_name=rep.name,
    )


def list_quick_replies(rep: Rep, record_id: str | None = None) -> QuickReplyList:
    """The rep's own and the team's shared replies by title, each filled for `record_id` (a
    record of the team: 404 if there is none) and the rep; without a record, its placeholders
    are empty."""
    record = None
    if record_id is not None:
        record = records_data.get(_checked(record_id, "record_id"))
        if record is None:
            raise NotFoundError(f"no record {record_id}")
    values = _values(rep, record)
    replies = [_shown(reply, rep, values) for reply in quick_replies_data.visible_to(rep.id)]
    replies.sort(key=lambda reply: (reply.title.casefold(), reply.id))
    return QuickReplyList(items=replies)


def create_quick_reply(rep: Rep, wanted: QuickReplyInput) -> QuickReply:
    """A new reply of the rep's (400 beyond `MAX_PER_REP` of their own, nothing written). A
    retried request (the same `client_request_id`) answers the reply it created, as it is now;
    404 if that one was deleted since."""
    request_id = checked_request_id(wanted.client_request_id) if wanted.client_request_id is not None else None
    cleaned = clean_quick_reply(wanted)
    now = now_iso()
    reply = QuickReply(
        id=new_id(),
        title=cleaned.title,
        body=cleaned.body,
        shared=cleaned.shared,
        owner_id=rep.id,
        created_at=now,
        updated_at=now,
    )
    outcome = quick_replies_data.create(reply, limit=MAX_PER_REP, request_id=request_id)
    if outcome == "limit":
        raise ValidationError(
            f"you have {MAX_PER_REP} quick replies, the most a rep keeps: delete one first",
            {"title": f"at most {MAX_PER_REP} quick replies"},
        )
    if outcome == "claimed" and request_id is not None:
        return _created_before(rep, request_id)
    return _shown(reply, rep, _values(rep, None))


def _created_before(rep: Rep, request_id: str) -> QuickReply:
    reply_id = quick_replies_data.created_by(rep.id, request_id)
    created = quick_replies_data.find(rep.id, reply_id) if reply_id else None
    if created is None:
        raise NotFoundError(f"the quick reply request {request_id} created was deleted since")
    return _shown(created, rep, _values(rep, None))


def _changeable(rep: Rep, reply_id: str) -> QuickReply:
    reply = quick_replies_data.find(rep.id, _checked(reply_id, "id"))
    if reply is None:
        raise NotFoundError(f"no quick reply {reply_id}")
    if reply.owner_id != rep.id and rep.role != "admin":
        raise ForbiddenError("only its owner or an admin can change a shared quick reply")
    return reply


def update_quick_reply(rep: Rep, reply_id: str, wanted: QuickReplyInput) -> QuickReply:
    """Replace a reply's title, text and sharing (it keeps its owner); 409 if it changed
    meanwhile."""
    if wanted.client_request_id is not None:
        raise ValidationError(
            "client_request_id is for a new reply (an update is made once by its version)",
            {"client_request_id": "not allowed"},
        )
    reply = _changeable(rep, reply_id)
    cleaned = clean_quick_reply(wanted)
    changed = QuickReply(
        id=reply.id,
        title=cleaned.title,
        body=cleaned.body,
        shared=cleaned.shared,
        owner_id=reply.owner_id,
        created_at=reply.created_at,
        updated_at=now_iso(),
        version=reply.version + 1,
    )
    if not quick_replies_data.replace(reply, changed):
        raise ConflictError("the quick reply changed meanwhile: load it again")
    return _shown(changed, rep, _values(rep, None))


def delete_quick_reply(rep: Rep, reply_id: str) -> None:
    reply = _changeable(rep, reply_id)
    if not quick_replies_data.delete(reply):
        raise ConflictError("the quick reply changed meanwhile: load it again")
