"""A person's data, on request: everything the team holds on a lead or contact, exported as one
archive, or erased everywhere.

Both are an admin's acts on a lead or contact (a deal is not a person), in the trash or not.
What a person's data is: the record; every activity under the record and, still unmatched,
under its numbers and addresses; every rep's SMS conversations with its numbers and their
messages, wherever stored; the recordings and voicemails of its calls in the bucket; its emails'
raw messages, large HTML and attachments in the mail bucket; every rep's reminders on the record
and on those conversations (a note may name the person).

The erasure goes step by step, each step re-querying what is left and deleting what it finds,
the record last (it is what names the numbers and addresses the other steps look under): a run
that stopped halfway is finished by the next one. What must survive survives as the least it
can: an opt-out stays as a suppression entry keyed by the number's hash, and the claims of
Twilio's message and call ids stay (without where their activity was), so a late retry of a
webhook is still refused instead of writing the message again.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Collection, Iterator

import msgspec

from commcenter.data import activities as activities_data
from commcenter.data import conversations as conversations_data
from commcenter.data import handles as handles_data
from commcenter.data import mail_objects, message_refs, record_writes
from commcenter.data import opt_outs as opt_outs_data
from commcenter.data import recordings as recordings_data
from commcenter.data import records as records_data
from commcenter.domain.activities import Activity
from commcenter.domain.clock import utc_now
from commcenter.domain.facts import CallFacts, EmailFacts, SmsFacts
from commcenter.domain.records import Record, record_handles, search_terms
from commcenter.domain.reps import Rep
from commcenter.domain.sms import ConversationState, conversation_deltas
from commcenter.errors import BusyError, ForbiddenError, NotFoundError, ValidationError
from commcenter.observability import logger
from commcenter.services.call_summary import deal_copy_key, summary_deal_id
from commcenter.services.calls_tab import unseen_missed_counter
from commcenter.services.email_tabs import email_key
from commcenter.services.reminders import erase_reminders_about

# A conversation read again after another writer changed it, while erasing it, at most this often.
CONVERSATION_ATTEMPTS = 5


class PersonExport(msgspec.Struct, kw_only=True):
    """A person's archive in the bucket, and a short-lived link that downloads it."""

    url: str
    expires_in: int
    filename: str
    activities: int
    recordings: int


class EraseInput(msgspec.Struct, forbid_unknown_fields=True):
    """The person's name, typed again: an erasure cannot be undone."""

    confirm_name: str


class PersonErasure(msgspec.Struct, kw_only=True):
    """What an erasure deleted (a second run of a finished one counts zeros)."""

    record: int = 0
    search_terms: int = 0
    handles: int = 0
    activities: int = 0
    conversations: int = 0
    deal_copies: int = 0
    recordings: int = 0
    exports: int = 0
    message_refs: int = 0
    mail_objects: int = 0
    reminders: int = 0
    opt_outs_suppressed: int = 0


def export_person(record_id: str, actor: Rep) -> PersonExport:
    """record.json, activities.json and every stored recording as its mp3, zipped into the
    bucket under `exports/` (an API answer is limited to 6 MB), answered as a download link."""
    record = _person(record_id, actor, "export a person's data")
    activities = list(_activities_of(record))
    archive = io.BytesIO()
    recordings = 0
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("record.json", _json(record))
        zipped.writestr("activities.json", _json(activities))
        for activity in activities:
            key = _stored_recording(activity)
            audio = recordings_data.fetch(key) if key else None
            if audio is not None:
                zipped.writestr(f"recordings/{activity.id}.mp3", audio)
                recordings += 1
    stamp = utc_now().strftime("%Y%m%dT%H%M%S%fZ")
    key = recordings_data.export_key(record.id, stamp)
    recordings_data.store_export(key, archive.getvalue())
    filename = f"person-{record.id}-{stamp}.zip"
    logger.info("person's data exported", extra={"record_id": record.id, "activities": len(activities)})
    return PersonExport(
        url=recordings_data.download_link(key, filename),
        expires_in=recordings_data.LINK_SECONDS,
        filename=filename,
        activities=len(activities),
        recordings=recordings,
    )


def erase_person(record_id: str, confirmation: EraseInput, actor: Rep) -> PersonErasure:
    """Erase a person everywhere; refused, changing nothing, unless the name typed is theirs."""
    record = _person(record_id, actor, "erase a person")
    if confirmation.confirm_name.strip().casefold() != record.display_name.strip().casefold():
        raise ValidationError(
            f"type the person's name, {record.display_name}, to erase them", {"confirm_name": "not the name"}
        )
    done = PersonErasure()
    handles = record_handles(record)
    for handle in sorted(handles):
        for conversation_id in conversations_data.ids_with_handle(handle.key):
            if erase_conversation(conversation_id, done):
                done.conversations += 1
    for activity in list(_activities_of(record)):
        erase_activity(activity, done)
    done.reminders += erase_reminders_about(record_id=record.id)
    done.exports += recordings_data.delete_exports(record.id)
    for handle in sorted(handles):
        if handle.kind == "phone" and opt_outs_data.suppress(handle.value):
            done.opt_outs_suppressed += 1
        done.handles += handles_data.forget(handle, record.id)
    terms = search_terms(record.kind, record)
    record_writes.erase(record.id, terms)
    done.record, done.search_terms = 1, len(terms)
    logger.info("person erased", extra={"record_id": record.id, **msgspec.structs.asdict(done)})
    return done


def _person(record_id: str, actor: Rep, action: str) -> Record:
    if actor.role != "admin":
        raise ForbiddenError(f"only an admin can {action}")
    record = records_data.get_stored(record_id)
    if record is None:
        raise NotFoundError(f"no record with id {record_id}")
    if record.kind == "deal":
        raise ValidationError("a deal is not a person: export or erase its leads and contacts", {"kind": "deal"})
    return record


def _activities_of(record: Record) -> Iterator[Activity]:
    """The record's history, what its numbers and addresses left unmatched, and the messages
    of its numbers' conversations stored anywhere else; each once, oldest first per place."""
    seen: set[tuple[str, str]] = set()
    handles = sorted(record_handles(record))
    sources = [activities_data.history(activities_data.owner_key(record.id, None))]
    sources += [activities_data.history(activities_data.owner_key(None, h.key)) for h in handles]
    sources += [
        activities_data.conversation_history(conversation_id)
        for h in handles
        for conversation_id in conversations_data.ids_with_handle(h.key)
    ]
    for source in sources:
        for activity in source:
            key = activities_data.stored_key(activity)
            if key not in seen:
                seen.add(key)
                yield activity


def erase_conversation(
    conversation_id: str,
    done: PersonErasure,
    *,
    reps: Collection[str] | None = None,
    keep: Callable[[ConversationState], bool] | None = None,
) -> bool:
    """A conversation for good, step by step, its item last: its reminders (`reps`: whose lists
    to read for those stored before reminders had a subject; every rep's when None), its messages
    with what hangs on them (`erase_activity`), then the conversation with its counters in one
    transaction conditional on its version. A run that stops halfway leaves the conversation,
    to be erased again; whether it went (not when it is gone already, nor when `keep` holds for
    it as it is now: delete forever keeps one a new message took out of Trash meanwhile). The
    claims of its messages' external ids stay: a retried webhook or a re-polled email is still a
    duplicate. Erasing a person, delete forever and the SMS tab's Delete go through this one way."""
    done.reminders += erase_reminders_about(conversation_id=conversation_id, reps=reps)
    for message in list(activities_data.conversation_history(conversation_id)):
        erase_activity(message, done)
    for _ in range(CONVERSATION_ATTEMPTS):
        current = conversations_data.get(conversation_id)
        if current is None or (keep is not None and keep(current)):
            return False
        if conversations_data.delete_with_counts(current, conversation_deltas(current, None)):
            # A message of the rep's written while erasing is erased too: the conversation is gone.
            for message in list(activities_data.conversation_history(conversation_id)):
                erase_activity(message, done)
            return True
    raise BusyError(f"conversation {conversation_id} kept changing under {CONVERSATION_ATTEMPTS} attempts")


def erase_activity(activity: Activity, done: PersonErasure) -> None:
    """One activity and what hangs on it: its recording, its copy in a deal's feed, an email's
    objects in the mail bucket, where its claims pointed (its Twilio id's, an email's, a
    dashboard send's, an open pixel's), and its place in the rep's missed-call count. Erasing a
    person, and deleting a conversation for good (its messages), go through this one way."""
    if isinstance(activity.data, CallFacts):
        key = _stored_recording(activity)
        if key is not None:
            recordings_data.delete(key)
            done.recordings += 1
        deal_id = summary_deal_id(activity)
        if deal_id is not None and activities_data.get(*deal_copy_key(activity, deal_id)) is not None:
            activities_data.delete(*deal_copy_key(activity, deal_id))
            done.deal_copies += 1
    if isinstance(activity.data, EmailFacts):
        for key in _mail_objects_of(activity.data):
            mail_objects.delete(key)
            done.mail_objects += 1
    for ref in _claims_of(activity):
        done.message_refs += message_refs.forget_activity(ref)
    done.activities += activities_data.erase(activity, unseen_missed_counter(activity))


def _claims_of(activity: Activity) -> list[str]:
    """The MessageRefs that point at an activity: its Twilio id's claim and, for a message sent
    from the dashboard, its send's (keyed by the rep and the request: only the message, which
    keeps the request id, leads to it)."""
    refs: list[str] = []
    if activity.external_id and activity.type in ("call", "sms"):
        refs.append((message_refs.call_ref if activity.type == "call" else message_refs.sid_ref)(activity.external_id))
    if isinstance(activity.data, SmsFacts) and activity.data.client_request_id and activity.rep_id:
        refs.append(message_refs.send_ref(activity.rep_id, activity.data.client_request_id))
    if isinstance(activity.data, EmailFacts):
        refs.append(message_refs.email_ref(email_key(activity)))
        if activity.data.open_token:
            refs.append(message_refs.open_ref(activity.data.open_token))
    return refs


def _mail_objects_of(facts: EmailFacts) -> list[str]:
    """An email's objects in the mail bucket (each message's own: keyed by its dedupe key)."""
    keys = [facts.raw_key, facts.html_key, *(attachment.key for attachment in facts.attachments)]
    return [key for key in keys if key]


def _stored_recording(activity: Activity) -> str | None:
    if not isinstance(activity.data, CallFacts):
        return None
    recording = activity.data.recording
    return recording.key if recording is not None and recording.stored and recording.key else None


def _json(value: object) -> bytes:
    return json.dumps(msgspec.to_builtins(value), ensure_ascii=False, indent=2).encode()
