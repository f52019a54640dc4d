"""The conversation page (I4): one conversation of a rep's folders as its viewer sees it, with
the card of the customer it is with."""

from __future__ import annotations

import msgspec

from commcenter.domain.folders import FolderRow
from commcenter.domain.records import Email, Phone, Record, RecordKind


class OpenConversation(FolderRow, kw_only=True):
    """Its folder row, and what the page needs besides: the rep's own address on the channel
    (`rep_number`: the Twilio number or mailbox a reply goes out from), the handle (`phone:+1…`,
    `email:…`: what the unmatched actions act on), its section (matched or unmatched), and
    whether the other side's number opted out of SMS (false for an address)."""

    rep_number: str
    handle: str
    section: str
    opted_out: bool


class CustomerCard(msgspec.Struct, kw_only=True):
    """The record a conversation is with, as the page's card shows it."""

    id: str
    kind: RecordKind
    display_name: str
    company_name: str
    title: str
    status: str | None
    owner_id: str | None
    phones: list[Phone]
    emails: list[Email]

    @classmethod
    def of(cls, record: Record) -> CustomerCard:
        return cls(
            id=record.id,
            kind=record.kind,
            display_name=record.display_name,
            company_name=record.company_name,
            title=record.title,
            status=record.status or None,
            owner_id=record.owner_id or None,
            phones=list(record.phones),
            emails=list(record.emails),
        )


class ConversationView(msgspec.Struct, kw_only=True):
    """GET /api/conversations/{id}: the conversation, and its customer's card (None while the
    conversation is unmatched: the page offers the unmatched actions on its handle)."""

    conversation: OpenConversation
    card: CustomerCard | None
