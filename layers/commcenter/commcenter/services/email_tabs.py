"""The Email tabs (E2, E3, E7): a rep's mail by tab, one email read whole, read or unread, archived.

An email is addressed by its dedupe key (64 hex: the digest of its Message-ID, or of its content
without one), the key of its claim: the claim finds it wherever it moved (onto a record once its
sender became a lead or contact). Read and unread set here are written at once and queued in
the Mailboxes table for the next poll, which sets them on the rep's mail server under its lease
(the API never talks IMAP).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import msgspec

from commcenter.data import activities as activities_data
from commcenter.data import conversations as conversations_data
from commcenter.data import counters as counters_data
from commcenter.data import mail_objects, message_refs
from commcenter.data import mailboxes as mailboxes_data
from commcenter.data import records as records_data
from commcenter.domain.activities import Activity, center_section
from commcenter.domain.emails import conversation_id, dedupe_key_of, subject_matches
from commcenter.domain.facts import EmailAddress, EmailFacts, EmailOpen
from commcenter.domain.folders import takes_part
from commcenter.domain.handles import email_handle
from commcenter.domain.records import Record, RecordSummary
from commcenter.domain.reps import Rep
from commcenter.domain.sms import unread_counter
from commcenter.domain.text import words
from commcenter.errors import NotFoundError, ValidationError
from commcenter.services.email_read_state import set_seen
from commcenter.services.external_ids import activity_of

# The tabs a rep lists here (Suggested people are conversations).
LISTED_TABS = ("inbox", "sent", "colleagues", "archived")
PREVIEW_CHARS = 200
MOST_SELECTED = 100  # ids in one bulk change
MOST_CHANGED = 1000  # emails one "all in the tab" change goes through
SEARCH_PAGES = 5  # a search reads at most this many pages (of the person's mail, or of the tab) to fill a page
SEARCH_PAGE_SIZE = 100  # emails in one page a search by subject reads
MAX_SEARCH_CHARS = 200
_KEY = re.compile(r"^[0-9a-f]{64}$")


class EmailRow(msgspec.Struct, kw_only=True):
    """An email as a tab lists it."""

    id: str  # its dedupe key: /api/emails/{id}
    tab: str
    from_: EmailAddress | None = msgspec.field(name="from")
    to: list[EmailAddress]
    subject: str
    preview: str
    at: str
    direction: str
    # An email sent from the dashboard: "sending", "sent", "failed" or "unknown" (may have been
    # sent); "" for mail synced from the mailbox. `send_error`: why it failed, in plain words.
    send_status: str
    send_error: str | None
    read: bool
    has_attachments: bool
    opens: int  # times the recipient opened it (what the rep sent)
    opened: bool
    prefetches: int  # fetches of its open pixel by a mail proxy or scanner, not counted as opens
    last_opened_at: str | None
    record: RecordSummary | None  # the lead or contact it was exchanged with, when matched


class EmailPage(msgspec.Struct):
    items: list[EmailRow]
    next_cursor: str | None


class EmailAttachmentLink(msgspec.Struct, kw_only=True):
    filename: str
    content_type: str
    size: int
    inline: bool
    url: str  # a download link, valid a few minutes


class EmailDetail(EmailRow, kw_only=True):
    """One email whole: its headers, its sanitised HTML (remote images as `data-remote-src`),
    its text, links to its attachments."""

    cc: list[EmailAddress]
    message_id: str
    in_reply_to: str | None
    refused: list[str]  # recipients the server refused while sending it to the others
    html: str | None
    text: str
    attachments: list[EmailAttachmentLink]
    warnings: list[str]
    open_log: list[EmailOpen]  # the last fetches of its open pixel, oldest first, each labelled
    # Its marks on its record's feed (A1, A2), which the reader sets through that feed
    # (PATCH /api/records/{record.id}/activities/{activity_id}, with `at`): none while unmatched.
    activity_id: str
    starred: bool
    thread_id: str | None


class EmailTabCounts(msgspec.Struct):
    """Unread mail: from leads and contacts (Inbox), from people not in the CRM (Suggested people)."""

    inbox: int
    suggested: int


class EmailSelection(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Which emails a bulk action changes: these ids, or every email of `tab` (`all`)."""

    ids: list[str] = []
    all: bool = False
    tab: str | None = None


class EmailReadInput(EmailSelection, kw_only=True):
    read: bool


class EmailArchiveInput(EmailSelection, kw_only=True):
    archived: bool


class EmailChange(msgspec.Struct):
    changed: int  # emails that were not already so


def email_key(activity: Activity) -> str:
    """The id an email is addressed by: its dedupe key."""
    facts = activity.data
    if isinstance(facts, EmailFacts) and facts.key:
        return facts.key
    if isinstance(facts, EmailFacts) and facts.message_id:  # stored before emails kept their key
        return dedupe_key_of(facts.message_id)
    return activity.external_id or ""


def _tab(tab: str) -> str:
    if tab not in LISTED_TABS:
        raise ValidationError(f"tab must be one of {', '.join(LISTED_TABS)}", {"tab": "unknown"})
    return tab


def list_emails(
    rep: Rep, tab: str, limit: int, cursor: str | None, sender: str | None = None, query: str | None = None
) -> tuple[list[EmailRow], str | None]:
    """A tab's emails, newest first; `sender`: only those exchanged with that address; `query`:
    only those whose subject has its words (see `subject_matches`). A search reads a bounded
    number of pages: it may answer fewer than `limit` emails, even none, with a cursor to go on."""
    _tab(tab)
    keep = _subject_filter(query)
    if sender:
        return _sender_emails(rep, tab, sender, limit, cursor, keep)
    if keep is not None:
        emails, cursor = activities_data.center_search(
            rep.id, "email", tab, keep, limit, cursor, page_size=SEARCH_PAGE_SIZE, most_pages=SEARCH_PAGES
        )
        return _rows(emails), cursor
    emails, cursor = activities_data.center_page(rep.id, "email", tab, limit, cursor)
    return _rows(emails), cursor


def _subject_filter(query: str | None) -> Callable[[Activity], bool] | None:
    """What a search by subject keeps (None: no search by subject)."""
    if query is None or not query.strip():
        return None
    if len(query) > MAX_SEARCH_CHARS:
        raise ValidationError(f"q is at most {MAX_SEARCH_CHARS} characters", {"q": "too long"})
    if not words(query):
        raise ValidationError("q has no letters or digits to search for", {"q": "no words"})

    def keep(email: Activity) -> bool:
        return isinstance(email.data, EmailFacts) and subject_matches(query, email.data.subject)

    return keep


def _sender_emails(
    rep: Rep,
    tab: str,
    sender: str,
    limit: int,
    cursor: str | None,
    keep: Callable[[Activity], bool] | None = None,
) -> tuple[list[EmailRow], str | None]:
    """The mail exchanged with one address (and `keep` keeps): its conversation (GSI
    by_conversation), or for a colleague, the address's own history (no conversation): never a
    scan of the tab."""
    try:
        handle = email_handle(sender.strip())
    except ValidationError:
        raise ValidationError("from must be an email address", {"from": "not an email address"}) from None
    if tab == "colleagues":
        owner = activities_data.owner_key(None, handle.key)
        mine = [
            a
            for a in activities_data.of_type(owner, "email")
            if a.rep_id == rep.id and center_section(a) == tab and (keep is None or keep(a))
        ]
        mine.sort(key=activities_data.sort_key, reverse=True)
        return _rows(mine[:limit]), None
    found: list[Activity] = []
    for _ in range(SEARCH_PAGES):
        emails, cursor = activities_data.conversation_page(conversation_id(rep.id, handle.value), limit, cursor)
        found.extend(a for a in emails if a.type == "email" and center_section(a) == tab and (keep is None or keep(a)))
        if len(found) >= limit or cursor is None:
            break
    return _rows(found), cursor


def _rows(emails: list[Activity]) -> list[EmailRow]:
    records = records_data.get_many([e.record_id for e in emails if e.record_id])
    return [_row(email, records) for email in emails if isinstance(email.data, EmailFacts)]


def _row(email: Activity, records: dict[str, Record]) -> EmailRow:
    facts = email.data
    assert isinstance(facts, EmailFacts)
    record = records.get(email.record_id) if email.record_id else None
    return EmailRow(
        id=email_key(email),
        tab=center_section(email),
        from_=facts.from_,
        to=facts.to,
        subject=facts.subject,
        preview=" ".join(email.body.split())[:PREVIEW_CHARS],
        at=email.occurred_at,
        direction=email.direction or "inbound",
        send_status=facts.send_status,
        send_error=facts.send_error,
        read=facts.seen,
        has_attachments=any(not a.inline for a in facts.attachments),
        opens=facts.opens,
        opened=facts.opens > 0,
        prefetches=facts.prefetches,
        last_opened_at=facts.last_opened_at,
        record=RecordSummary.of(record) if record else None,
    )


def unread_counts(rep: Rep) -> EmailTabCounts:
    values = counters_data.read_all(counters_data.rep_scope(rep.id))
    return EmailTabCounts(
        inbox=max(0, values.get(unread_counter("matched", "email"), 0)),
        suggested=max(0, values.get(unread_counter("unmatched", "email"), 0)),
    )


def _find(rep: Rep, key: str, *, own: bool = False) -> Activity:
    """The rep's email `key`, or (unless `own`) one of a conversation assigned to the rep;
    another rep's mail is as unknown as mail that does not exist."""
    if not _KEY.match(key):
        raise ValidationError("an email id is 64 hexadecimal digits", {"id": "malformed"})
    email = activity_of(message_refs.email_ref(key))
    if email is None or email.type != "email" or not (email.rep_id == rep.id or (not own and _assigned(rep, email))):
        raise NotFoundError(f"no email {key}")
    return email


def _assigned(rep: Rep, email: Activity) -> bool:
    """Whether the email is in a conversation given to the rep (its mailbox is another rep's)."""
    state = conversations_data.get(email.conversation_id) if email.conversation_id else None
    return state is not None and takes_part(state, rep.id)


def find_email(rep: Rep, key: str, *, own: bool = True) -> Activity:
    """The rep's email `key` (its dedupe key), or with `own=False` also one of a conversation
    assigned to the rep; NotFoundError for another rep's or none."""
    return _find(rep, key, own=own)


def get_email(rep: Rep, key: str) -> EmailDetail:
    email = _find(rep, key)
    facts = email.data
    assert isinstance(facts, EmailFacts)
    records = records_data.get_many([email.record_id] if email.record_id else [])
    row = _row(email, records)
    html = facts.html
    if html is None and facts.html_key:
        html = mail_objects.get(facts.html_key).decode("utf-8", "replace")
    return EmailDetail(
        **msgspec.structs.asdict(row),
        cc=facts.cc,
        message_id=facts.message_id,
        in_reply_to=facts.in_reply_to,
        refused=facts.refused,
        html=html,
        text=email.body,
        activity_id=email.id,
        starred=email.starred,
        thread_id=email.thread_id,
        attachments=[
            EmailAttachmentLink(
                filename=a.filename,
                content_type=a.content_type,
                size=a.size,
                inline=a.inline,
                url=mail_objects.download_link(a.key, a.filename),
            )
            for a in facts.attachments
        ],
        warnings=facts.warnings,
        open_log=facts.open_log,
    )


def _selected(rep: Rep, selection: EmailSelection) -> list[Activity]:
    """The emails a bulk action names, every one found before anything changes."""
    if selection.all:
        if selection.ids:
            raise ValidationError("name ids or all, not both", {"ids": "with all"})
        tab = _tab(selection.tab or "")
        found: list[Activity] = []
        cursor: str | None = None
        while len(found) < MOST_CHANGED:
            emails, cursor = activities_data.center_page(rep.id, "email", tab, 100, cursor)
            found.extend(emails)
            if cursor is None:
                break
        return found
    if not selection.ids:
        raise ValidationError("name the emails (ids) or all of a tab", {"ids": "required"})
    if len(selection.ids) > MOST_SELECTED:
        raise ValidationError(f"at most {MOST_SELECTED} ids at once", {"ids": "too many"})
    return [_find(rep, key) for key in dict.fromkeys(selection.ids)]


def set_read(rep: Rep, change: EmailReadInput) -> EmailChange:
    """Mark emails read or unread: here at once (the conversation's unread count with it), on the
    mail server of the mailbox they are in at its next poll."""
    changed = 0
    for email in _selected(rep, change):
        if not set_seen(email, change.read):
            continue
        changed += 1
        facts = email.data
        if isinstance(facts, EmailFacts) and facts.uid is not None and facts.uidvalidity is not None and facts.folder:
            flag = mailboxes_data.PendingFlag(
                folder=facts.folder, uidvalidity=facts.uidvalidity, uid=facts.uid, seen=change.read
            )
            # The mailbox's own rep's (an assignee marks emails of another rep's mailbox).
            mailboxes_data.want_seen(email.rep_id or rep.id, flag)
    return EmailChange(changed=changed)


def set_archived(rep: Rep, change: EmailArchiveInput) -> EmailChange:
    """Archive emails (they stay on the record), or put them back in their tab."""
    changed = 0
    for email in _selected(rep, change):
        if activities_data.set_email_archived(email, change.archived) is not None:
            changed += 1
    return EmailChange(changed=changed)
