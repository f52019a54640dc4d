"""The dashboard's API: records, their activity feeds, search, the signed-in rep.

Handlers stay thin: parse, call a service, shape the response. Errors are mapped to HTTP
status codes by the shared app's middleware.
"""

from __future__ import annotations

from typing import Any

import msgspec
from chalice.app import Response

from commcenter import __version__
from commcenter.channels.sms_gateway import sms_gateway
from commcenter.domain.activities import Activity, ActivityFlags, NoteInput
from commcenter.domain.call_scripts import CallScripts
from commcenter.domain.calls import CallOutcomes, CallSettingsInput, CallSummaryInput, Presence, PresenceInput
from commcenter.domain.conversation_page import ConversationView
from commcenter.domain.delete_forever import DeleteForeverInput, DeleteForeverPreview
from commcenter.domain.folders import FolderActionInput, FolderChange, FolderCounts, FolderPage
from commcenter.domain.handles import AddHandleInput, Handle, IgnoreInput, UnmatchedHistory
from commcenter.domain.mailbox_views import MailboxInput, MailboxView
from commcenter.domain.quick_replies import QuickReply, QuickReplyInput, QuickReplyList
from commcenter.domain.records import Record, RecordFields, RecordInput, TrashedRecord
from commcenter.domain.reminders import Reminder, ReminderInput, ReminderList
from commcenter.domain.reps import Rep, TeamRep
from commcenter.domain.sms import PreviewInput, SendSmsInput, SmsConversation, SmsSegments, count_segments
from commcenter.domain.suggested_people import (
    AddSuggestedInput,
    IgnoreSuggestedInput,
    SuggestedOutcome,
    SuggestedPeoplePage,
)
from commcenter.errors import ValidationError
from commcenter.http import requests as req
from commcenter.http.app import create_app
from commcenter.http.openapi import build_openapi, documented
from commcenter.http.responses import json_response
from commcenter.http.twilio import public_base_url, webhook_url
from commcenter.services import (
    activities,
    attach_handle,
    call_scripts,
    call_summary,
    calls_tab,
    conversation_page,
    delete_forever,
    email_send,
    email_tabs,
    folders,
    inbound_calls,
    mailbox_settings,
    open_tracking,
    person_data,
    quick_replies,
    record_trash,
    recordings,
    records,
    reps,
    sms_conversations,
    sms_retry,
    sms_send,
    softphone,
    suggested_people,
)
from commcenter.services.mailbox_connection import ConnectionReport
from commcenter.services.mailbox_oauth import OAuthFinishInput, OAuthStartInput, OAuthStartView
from commcenter.services.records import SearchHit
from commcenter.services.reminders import cancel_reminder, create_reminder, pending_reminders

app = create_app("commcenter-api")


class Health(msgspec.Struct):
    status: str
    version: str


class RecordPage(msgspec.Struct):
    items: list[Record]
    next_cursor: str | None


class TrashPage(msgspec.Struct):
    items: list[TrashedRecord]
    next_cursor: str | None


class ActivityPage(msgspec.Struct):
    items: list[Activity]
    next_cursor: str | None


class RepList(msgspec.Struct):
    items: list[TeamRep]


class SearchResults(msgspec.Struct):
    items: list[SearchHit]


class ConversationPage(msgspec.Struct):
    items: list[SmsConversation]
    next_cursor: str | None


class SectionCount(msgspec.Struct):
    unread: int


class SmsCounts(msgspec.Struct):
    matched: SectionCount
    unmatched: SectionCount


class MissedCount(msgspec.Struct):
    missed: int


class CallCounts(msgspec.Struct):
    matched: MissedCount
    unmatched: MissedCount


class CenterCounts(msgspec.Struct):
    sms: SmsCounts
    calls: CallCounts


class CallPage(msgspec.Struct):
    items: list[calls_tab.CallRow]
    next_cursor: str | None


class RecordPatch(RecordFields, kw_only=True):
    """Any subset of a record's fields, plus the `version` it was read at."""

    version: int


def openapi_document() -> dict[str, Any]:
    """This API's OpenAPI document; the dashboard's types are generated from it (`make openapi`)."""
    return build_openapi(app, "commcenter API", __version__)


@app.route("/api/health", methods=["GET"])
@documented("Liveness of the API", response=Health, public=True)
def health() -> Response:
    return json_response(Health(status="ok", version=__version__))


@app.route("/api/openapi.json", methods=["GET"])
@documented("This document", public=True)
def openapi() -> Response:
    return json_response(openapi_document())


@app.route("/api/me", methods=["GET"])
@documented("The signed-in rep", response=Rep)
def me() -> Response:
    return json_response(req.current_rep(req.current(app)))


@app.route("/api/me/call-settings", methods=["PUT"])
@documented(
    "The signed-in rep's call settings: recording, voicemail and its greeting, forwarding number",
    request=CallSettingsInput,
    response=Rep,
)
def put_call_settings() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    return json_response(reps.change_call_settings(rep, req.json_body(request, CallSettingsInput)))


@app.route("/api/reps", methods=["GET"])
@documented(
    "The reps of the signed-in rep's team; their forwarding numbers only to admins (and each rep's own)",
    response=RepList,
)
def list_reps() -> Response:
    rep = req.current_rep(req.current(app))
    return json_response(RepList(items=reps.team_shown_to(rep)))


@app.route("/api/records", methods=["GET"])
@documented(
    "Leads, contacts or deals, newest first or by name, paged",
    response=RecordPage,
    query={
        "kind": "lead, contact or deal",
        "order": "newest or name",
        "limit": "1-100",
        "cursor": "next page",
    },
)
def list_records() -> Response:
    request = req.current(app)
    req.current_rep(request)
    items, cursor = records.list_records(
        req.query(request, "kind") or "lead",
        req.query(request, "order") or "newest",
        req.limit(request),
        req.query(request, "cursor"),
    )
    return json_response(RecordPage(items=items, next_cursor=cursor))


@app.route("/api/records", methods=["POST"])
@documented("Create a lead, contact or deal", request=RecordInput, response=Record, status=201)
def create_record() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    record = records.create_record(req.json_body(request, RecordInput), rep)
    return json_response(record, 201, {"Location": f"/api/records/{record.id}"})


@app.route("/api/records/{record_id}", methods=["GET"])
@documented("One record", response=Record)
def get_record(record_id: str) -> Response:
    req.current_rep(req.current(app))
    return json_response(records.get_record(record_id))


@app.route("/api/records/{record_id}", methods=["PATCH"])
@documented(
    "Change some fields of a record (optimistic: send the version you read)",
    request=RecordPatch,
    response=Record,
)
def update_record(record_id: str) -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    patch: dict[str, Any] = req.json_object(request)
    return json_response(records.update_record(record_id, patch, rep))


@app.route("/api/records/{record_id}", methods=["DELETE"])
@documented(
    "Delete a record (its owner or an admin): to the trash for 30 days, its numbers and addresses freed",
    status=204,
)
def delete_record(record_id: str) -> Response:
    record_trash.move_to_trash(record_id, req.current_rep(req.current(app)))
    return Response(body="", status_code=204)


@app.route("/api/trash", methods=["GET"])
@documented(
    "The deleted records, newest deletion first (admins)",
    response=TrashPage,
    query={"limit": "1-100", "cursor": "next page"},
)
def list_trash() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    items, cursor = record_trash.trash_page(rep, req.limit(request), req.query(request, "cursor"))
    return json_response(TrashPage(items=items, next_cursor=cursor))


@app.route("/api/trash/{record_id}/restore", methods=["POST"])
@documented(
    "Restore a deleted record with its numbers, addresses and history (admins)",
    response=Record,
)
def restore_record(record_id: str) -> Response:
    return json_response(record_trash.restore_record(record_id, req.current_rep(req.current(app))))


@app.route("/api/trash/{record_id}", methods=["DELETE"])
@documented("Erase a deleted record for good, with its whole history (admins)", status=204)
def erase_record(record_id: str) -> Response:
    record_trash.erase_record(record_id, req.current_rep(req.current(app)))
    return Response(body="", status_code=204)


@app.route("/api/records/{record_id}/activities", methods=["GET"])
@documented(
    "A record's activity feed, newest first, paged",
    response=ActivityPage,
    query={
        "type": "email, call, sms, chat, note or task",
        "starred": "true for starred items only",
        "thread": "a thread id",
        "rep": "a rep of the team (its id): that rep's activities only; absent: the whole team's",
        "limit": "1-100",
        "cursor": "next page",
    },
)
def record_activities(record_id: str) -> Response:
    request = req.current(app)
    req.current_rep(request)
    items, cursor = activities.record_feed(
        record_id,
        activity_type=req.query(request, "type"),
        starred=req.flag(request, "starred"),
        thread_id=req.query(request, "thread"),
        rep_id=req.query(request, "rep"),
        limit=req.limit(request),
        cursor=req.query(request, "cursor"),
    )
    return json_response(ActivityPage(items=items, next_cursor=cursor))


@app.route("/api/records/{record_id}/notes", methods=["POST"])
@documented("Add a note to a record's feed", request=NoteInput, response=Activity, status=201)
def add_note(record_id: str) -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    return json_response(activities.add_note(record_id, req.json_body(request, NoteInput), rep), 201)


@app.route("/api/records/{record_id}/export", methods=["POST"])
@documented(
    "Export a person's data (admins): the record, every activity and recording, as one zip archive "
    "behind a link valid a few minutes",
    response=person_data.PersonExport,
    status=201,
)
def export_person(record_id: str) -> Response:
    rep = req.current_rep(req.current(app))
    return json_response(person_data.export_person(record_id, rep), 201)


@app.route("/api/records/{record_id}/erase", methods=["POST"])
@documented(
    "Erase a person everywhere, for good (admins; the person's name typed again): the record, its "
    "activities, conversations, numbers, search terms, counts and recordings; an opt-out stays as "
    "a suppression entry keyed by the number's hash",
    request=person_data.EraseInput,
    response=person_data.PersonErasure,
)
def erase_person(record_id: str) -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    return json_response(person_data.erase_person(record_id, req.json_body(request, person_data.EraseInput), rep))


@app.route("/api/search", methods=["GET"])
@documented(
    "Find leads, contacts and deals by name, company, phone or email prefix",
    response=SearchResults,
    query={"q": "at least two characters", "kind": "lead, contact or deal", "limit": "1-100"},
)
def search() -> Response:
    request = req.current(app)
    req.current_rep(request)
    hits = records.search_records(req.query(request, "q") or "", req.query(request, "kind"), req.limit(request))
    return json_response(SearchResults(items=hits))


@app.route("/api/records/{record_id}/activities/{activity_id}", methods=["PATCH"])
@documented(
    "Star or thread an activity of a record's feed, or complete or reopen a task (one already so is "
    "answered as it is: a teammate's completion is never written over)",
    request=ActivityFlags,
    response=Activity,
)
def update_activity(record_id: str, activity_id: str) -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    flags = req.json_body(request, ActivityFlags)
    return json_response(activities.set_activity_flags(record_id, activity_id, flags, rep))


@app.route("/api/records/{record_id}/handles", methods=["POST"])
@documented(
    "Add an unmatched number or address to a record; its history moves onto it", request=AddHandleInput, response=Record
)
def add_handle(record_id: str) -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    payload = req.json_body(request, AddHandleInput)
    return json_response(records.add_handle_to_record(record_id, payload.handle, rep))


@app.route("/api/unmatched/ignore", methods=["POST"])
@documented(
    "Ignore an unmatched number or address in your own lists, or for the whole team (admins), or stop ignoring it",
    request=IgnoreInput,
    status=204,
)
def ignore_handle() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    payload = req.json_body(request, IgnoreInput)
    attach_handle.set_handle_ignored(Handle.from_key(payload.handle), payload.ignored, rep, for_team=payload.for_team)
    return Response(body="", status_code=204)


@app.route("/api/unmatched/history", methods=["GET"])
@documented(
    "What an unmatched number or address exchanged, and with whom: what adding it to a record shows the team",
    response=UnmatchedHistory,
    query={"handle": "the handle (phone:+1... or email:...)"},
)
def unmatched_history() -> Response:
    request = req.current(app)
    req.current_rep(request)
    handle = req.query(request, "handle")
    if not handle:
        raise ValidationError("handle is required", {"handle": "required"})
    return json_response(attach_handle.unmatched_history(Handle.from_key(handle)))


@app.route("/api/suggested-people", methods=["GET"])
@documented(
    "The signed-in rep's Suggested people: strangers who emailed, one row per address, the latest first, "
    "each with the existing company their domain names",
    response=SuggestedPeoplePage,
    query={"limit": "1-100", "cursor": "next page"},
)
def suggested_people_list() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    items, cursor = suggested_people.list_suggested(rep, req.limit(request), req.query(request, "cursor"))
    return json_response(SuggestedPeoplePage(items=items, next_cursor=cursor))


@app.route("/api/suggested-people/add", methods=["POST"])
@documented(
    "Add Suggested people as leads or contacts, one record each, named as their emails name them; "
    "their emails move onto the records",
    request=AddSuggestedInput,
    response=SuggestedOutcome,
)
def suggested_people_add() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    return json_response(suggested_people.add_suggested(rep, req.json_body(request, AddSuggestedInput)))


@app.route("/api/suggested-people/ignore", methods=["POST"])
@documented(
    "Ignore Suggested people: their addresses, or their whole domains (later mail from an unknown address "
    "there is filed under Ignored)",
    request=IgnoreSuggestedInput,
    response=SuggestedOutcome,
)
def suggested_people_ignore() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    return json_response(suggested_people.ignore_suggested(rep, req.json_body(request, IgnoreSuggestedInput)))


@app.route("/api/reminders", methods=["POST"])
@documented(
    "Ask for a reminder at 08:00 of the rep's day picked (when: tomorrow, in_N_days, next_week or YYYY-MM-DD): "
    "a follow-up on a conversation or record, reply by on an email received, no reply on an email sent",
    request=ReminderInput,
    response=Reminder,
    status=201,
)
def reminder_create() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    return json_response(create_reminder(rep, req.json_body(request, ReminderInput)), 201)


@app.route("/api/reminders", methods=["GET"])
@documented(
    "The signed-in rep's reminders still to fire on a conversation, a record or an email, due first, and those "
    "whose email failed every try (state failed, with their error) until dismissed",
    response=ReminderList,
    query={"conversation_id": "a conversation", "record_id": "a record", "email_id": "an email (one of the three)"},
)
def reminder_list() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    found = pending_reminders(
        rep,
        conversation_id=req.query(request, "conversation_id"),
        record_id=req.query(request, "record_id"),
        email_id=req.query(request, "email_id"),
    )
    return json_response(ReminderList(items=found))


@app.route("/api/reminders/{reminder_id}", methods=["DELETE"])
@documented("Cancel one of the rep's reminders before it fires (409 once it fired)", status=204)
def reminder_cancel(reminder_id: str) -> Response:
    cancel_reminder(req.current_rep(req.current(app)), reminder_id)
    return Response(body="", status_code=204)


@app.route("/api/folders/counts", methods=["GET"])
@documented(
    "Each folder view's count, total and unread, by source (kept by every change, never counted)", response=FolderCounts
)
def folder_counts() -> Response:
    return json_response(folders.folder_counts(req.current_rep(req.current(app))))


@app.route("/api/folders/{folder}", methods=["GET"])
@documented(
    "The signed-in rep's conversations of every channel in a folder (inbox, follow_up, archived, trash, spam) "
    "or unread, newest activity first",
    response=FolderPage,
    query={"source": "email, sms, call or chat", "limit": "1-100", "cursor": "next page"},
)
def folder_view(folder: str) -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    items, cursor = folders.list_folder(
        rep, folder, req.query(request, "source"), req.limit(request), req.query(request, "cursor")
    )
    return json_response(FolderPage(items=items, next_cursor=cursor))


@app.route("/api/folders/actions", methods=["POST"])
@documented(
    "Archive, trash, mark spam or not spam, put back in the Inbox, mark read or unread, or follow up on a day "
    "(a reminder at 08:00 that day), conversations named by ids (at most 100) or all of a folder view",
    request=FolderActionInput,
    response=FolderChange,
)
def folder_action() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    return json_response(folders.act_on_conversations(rep, req.json_body(request, FolderActionInput)))


@app.route("/api/folders/delete-forever/preview", methods=["POST"])
@documented(
    "What deleting conversations of the rep's Trash for good would take (ids, or all of Trash): how many, and "
    "the customers they are with, each with whether the rep may delete the card and how many of the customer's "
    "conversations would remain; changes nothing",
    request=DeleteForeverInput,
    response=DeleteForeverPreview,
)
def folder_delete_forever_preview() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    return json_response(folders.preview_delete_forever(rep, req.json_body(request, DeleteForeverInput)))


@app.route("/api/conversations/{conversation_id}", methods=["GET"])
@documented(
    "One conversation of the signed-in rep's folders, for its page: its row, the rep's address on its channel, "
    "its handle and section, and the card of the customer it is with (null while unmatched); 404 another rep's",
    response=ConversationView,
)
def open_conversation(conversation_id: str) -> Response:
    rep = req.current_rep(req.current(app))
    return json_response(conversation_page.open_conversation(rep, conversation_id))


@app.route("/api/center/counts", methods=["GET"])
@documented("The signed-in rep's unread counts per channel and section", response=CenterCounts)
def center_counts() -> Response:
    rep = req.current_rep(req.current(app))
    counts = {"sms": sms_conversations.unread_counts(rep), "calls": calls_tab.missed_counts(rep)}
    return json_response(msgspec.convert(counts, CenterCounts))


@app.route("/api/sms/conversations", methods=["GET"])
@documented(
    "The signed-in rep's SMS conversations of a section, newest first",
    response=ConversationPage,
    query={
        "section": "matched, unmatched or ignored",
        "status": "a lead/contact status",
        "limit": "1-100",
        "cursor": "next page",
    },
)
def sms_conversation_list() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    items, cursor = sms_conversations.list_conversations(
        rep,
        req.query(request, "section") or "matched",
        req.query(request, "status"),
        req.limit(request),
        req.query(request, "cursor"),
    )
    return json_response(ConversationPage(items=items, next_cursor=cursor))


@app.route("/api/sms/conversations/{conversation_id}", methods=["GET"])
@documented("One of the signed-in rep's SMS conversations", response=SmsConversation)
def sms_conversation(conversation_id: str) -> Response:
    rep = req.current_rep(req.current(app))
    return json_response(sms_conversations.get_conversation(rep, conversation_id))


@app.route("/api/sms/conversations/{conversation_id}", methods=["DELETE"])
@documented("Delete a conversation and every message of it, for good", status=204)
def delete_sms_conversation(conversation_id: str) -> Response:
    rep = req.current_rep(req.current(app))
    delete_forever.delete_conversation_now(rep, conversation_id)
    return Response(body="", status_code=204)


@app.route("/api/sms/conversations/{conversation_id}/messages", methods=["GET"])
@documented(
    "A conversation's messages, newest first",
    response=ActivityPage,
    query={"limit": "1-100", "cursor": "next page"},
)
def sms_conversation_messages(conversation_id: str) -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    items, cursor = sms_conversations.conversation_messages(
        rep, conversation_id, req.limit(request), req.query(request, "cursor")
    )
    return json_response(ActivityPage(items=items, next_cursor=cursor))


@app.route("/api/sms/conversations/{conversation_id}/messages/{message_id}/retry", methods=["POST"])
@documented(
    "Send again the rep's own failed outbound SMS: it is answered `retrying` and sent by the next "
    "sweep (tried again later if Twilio refuses it, then `failed` again with the error). 404 another "
    "rep's or no such message; 409 not_failed (not failed, or retrying already), opted_out",
    request=sms_retry.RetrySmsInput,
    response=Activity,
)
def retry_sms(conversation_id: str, message_id: str) -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    payload = req.json_body(request, sms_retry.RetrySmsInput)
    callback = webhook_url(request, "/twilio/sms/status")
    return json_response(sms_retry.request_retry(rep, conversation_id, message_id, payload, callback))


@app.route("/api/sms/conversations/{conversation_id}/read", methods=["POST"])
@documented("Mark a conversation read", response=SmsConversation)
def read_sms_conversation(conversation_id: str) -> Response:
    rep = req.current_rep(req.current(app))
    return json_response(sms_conversations.mark_read(rep, conversation_id))


@app.route("/api/sms/preview", methods=["POST"])
@documented("How many segments a message is sent as, and in which encoding", request=PreviewInput, response=SmsSegments)
def preview_sms() -> Response:
    request = req.current(app)
    req.current_rep(request)
    return json_response(count_segments(req.json_body(request, PreviewInput).body))


@app.route("/api/sms/messages", methods=["POST"])
@documented("Send an SMS from the signed-in rep's number", request=SendSmsInput, response=Activity, status=201)
def send_sms() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    payload = req.json_body(request, SendSmsInput)
    callback = webhook_url(request, "/twilio/sms/status")
    return json_response(sms_send.send_sms(rep, payload, sms_gateway(), callback), 201)


@app.route("/api/calls", methods=["GET"])
@documented(
    "The signed-in rep's calls, newest first",
    response=CallPage,
    query={
        "section": "matched, unmatched or ignored",
        "missed": "true for missed calls only, across matched and unmatched",
        "status": "a lead/contact status",
        "limit": "1-100",
        "cursor": "next page",
    },
)
def call_list() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    items, cursor = calls_tab.list_calls(
        rep,
        req.query(request, "section") or "matched",
        req.flag(request, "missed"),
        req.query(request, "status"),
        req.limit(request),
        req.query(request, "cursor"),
    )
    return json_response(CallPage(items=items, next_cursor=cursor))


@app.route("/api/calls/seen", methods=["POST"])
@documented("The signed-in rep has seen the missed calls (the counts start again from zero)", status=204)
def calls_seen() -> Response:
    calls_tab.missed_seen(req.current_rep(req.current(app)))
    return Response(body="", status_code=204)


@app.route("/api/voice/presence", methods=["POST"])
@documented("The softphone is online or offline, on a call or not", request=PresenceInput, response=Presence)
def voice_presence() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    payload = req.json_body(request, PresenceInput)
    return json_response(softphone.set_presence(rep, payload.online, payload.on_call))


@app.route("/api/voice/token", methods=["GET"])
@documented("A short-lived Twilio Voice access token for the browser softphone", response=softphone.VoiceToken)
def voice_token() -> Response:
    return json_response(softphone.voice_token(req.current_rep(req.current(app))))


@app.route("/api/voice/status", methods=["GET"])
@documented(
    "Whether browser calling is set up on this stack, and which settings it still needs",
    response=softphone.VoiceStatus,
)
def voice_status() -> Response:
    req.current_rep(req.current(app))
    return json_response(softphone.voice_status())


@app.route("/api/calls/{call_sid}/decline", methods=["POST"])
@documented(
    "The signed-in rep declines a call ringing in the browser: the caller gets voicemail or the "
    "unavailable message instead of the forwarding number",
    response=Activity,
)
def decline_call(call_sid: str) -> Response:
    return json_response(inbound_calls.decline_call(req.current_rep(req.current(app)), call_sid))


@app.route("/api/calls/{call_sid}/summary", methods=["PUT"])
@documented(
    "The summary of a call: outcome, notes, the deal it was about, a follow-up task",
    request=CallSummaryInput,
    response=Activity,
)
def put_call_summary(call_sid: str) -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    return json_response(call_summary.save_summary(rep, call_sid, req.json_body(request, CallSummaryInput)))


@app.route("/api/settings/call-outcomes", methods=["GET"])
@documented("The team's call outcomes", response=CallOutcomes)
def get_call_outcomes() -> Response:
    req.current_rep(req.current(app))
    return json_response(call_summary.team_call_outcomes())


@app.route("/api/settings/call-outcomes", methods=["PUT"])
@documented("Change the team's call outcomes (admins)", request=CallOutcomes, response=CallOutcomes)
def put_call_outcomes() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    return json_response(call_summary.set_team_call_outcomes(rep, req.json_body(request, CallOutcomes)))


@app.route("/api/settings/call-scripts", methods=["GET"])
@documented("The team's call scripts, which a rep picks from during a call", response=CallScripts)
def get_call_scripts() -> Response:
    req.current_rep(req.current(app))
    return json_response(call_scripts.team_call_scripts())


@app.route("/api/settings/call-scripts", methods=["PUT"])
@documented("Replace the team's call scripts (admins)", request=CallScripts, response=CallScripts)
def put_call_scripts() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    return json_response(call_scripts.set_team_call_scripts(rep, req.json_body(request, CallScripts)))


@app.route("/api/quick-replies", methods=["GET"])
@documented(
    "The signed-in rep's quick replies and the team's shared ones, by title, each filled for a record "
    "({first_name}, {last_name}, {company}) and the rep ({my_name})",
    response=QuickReplyList,
    query={"record_id": "the record the reply is for (without it, its placeholders are empty)"},
)
def quick_reply_list() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    return json_response(quick_replies.list_quick_replies(rep, req.query(request, "record_id")))


@app.route("/api/quick-replies", methods=["POST"])
@documented(
    "Save a quick reply of the rep's own, shared with the team or not",
    request=QuickReplyInput,
    response=QuickReply,
    status=201,
)
def quick_reply_create() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    return json_response(quick_replies.create_quick_reply(rep, req.json_body(request, QuickReplyInput)), 201)


@app.route("/api/quick-replies/{reply_id}", methods=["PUT"])
@documented("Change a quick reply (a shared one: its owner or an admin)", request=QuickReplyInput, response=QuickReply)
def quick_reply_update(reply_id: str) -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    return json_response(quick_replies.update_quick_reply(rep, reply_id, req.json_body(request, QuickReplyInput)))


@app.route("/api/quick-replies/{reply_id}", methods=["DELETE"])
@documented("Delete a quick reply (a shared one: its owner or an admin)", status=204)
def quick_reply_delete(reply_id: str) -> Response:
    quick_replies.delete_quick_reply(req.current_rep(req.current(app)), reply_id)
    return Response(body="", status_code=204)


@app.route("/api/calls/{call_sid}/recording", methods=["GET"])
@documented("A short-lived link to play a call's recording or voicemail", response=recordings.RecordingLink)
def call_recording(call_sid: str) -> Response:
    req.current_rep(req.current(app))
    return json_response(recordings.playback(call_sid))


@app.route("/api/calls/{call_sid}/recording", methods=["DELETE"])
@documented("Delete a call's recording for good (the rep of the call, or an admin)", response=Activity)
def delete_call_recording(call_sid: str) -> Response:
    return json_response(recordings.delete(req.current_rep(req.current(app)), call_sid))


@app.route("/api/me/mailbox", methods=["GET"])
@documented(
    "The signed-in rep's mailbox: how it is reached (never its secret: only whether one is stored) "
    "and how its sync goes",
    response=MailboxView,
)
def get_mailbox() -> Response:
    return json_response(mailbox_settings.mailbox_of(req.current_rep(req.current(app))))


@app.route("/api/me/mailbox", methods=["PUT"])
@documented(
    "Connect the signed-in rep's mailbox or change it (optimistic: send the version you read); the "
    "password is kept when left out, except for a new server",
    request=MailboxInput,
    response=MailboxView,
)
def put_mailbox() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    return json_response(mailbox_settings.save_mailbox(rep, req.json_body(request, MailboxInput)))


@app.route("/api/me/mailbox", methods=["DELETE"])
@documented("Disconnect the signed-in rep's mailbox: its settings and secret go, the mail synced stays", status=204)
def delete_mailbox() -> Response:
    mailbox_settings.disconnect(req.current_rep(req.current(app)))
    return Response(body="", status_code=204)


@app.route("/api/me/mailbox/test", methods=["POST"])
@documented(
    "Test connection: the form's settings tried (IMAP, its Sent folder, SMTP), each step in plain "
    "words; with the password typed, else the stored one for the same servers. Nothing is stored",
    request=MailboxInput,
    response=ConnectionReport,
)
def try_mailbox_connection() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    return json_response(mailbox_settings.try_connection(rep, req.json_body(request, MailboxInput)))


@app.route("/api/me/mailbox/retry", methods=["POST"])
@documented(
    "Retry now: the next scheduled poll, within a minute, tries the mailbox whatever its backoff",
    response=MailboxView,
)
def retry_mailbox() -> Response:
    return json_response(mailbox_settings.retry_now(req.current_rep(req.current(app))))


@app.route("/api/me/mailbox/oauth/start", methods=["POST"])
@documented(
    "Connect Google / Connect Microsoft: the provider's sign-in page, which sends the rep back to "
    "redirect_uri (a page of the dashboard) with a code and the state",
    request=OAuthStartInput,
    response=OAuthStartView,
)
def start_mailbox_oauth() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    return json_response(mailbox_settings.start_connecting(rep, req.json_body(request, OAuthStartInput)))


@app.route("/api/me/mailbox/oauth/finish", methods=["POST"])
@documented(
    "The rep is back from the provider's sign-in: the account connected as the rep's mailbox "
    "(the state once, within ten minutes of its start)",
    request=OAuthFinishInput,
    response=MailboxView,
)
def finish_mailbox_oauth() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    return json_response(mailbox_settings.finish_connecting(rep, req.json_body(request, OAuthFinishInput)))


@app.route("/api/emails", methods=["GET"])
@documented(
    "The signed-in rep's emails of a tab, newest first",
    response=email_tabs.EmailPage,
    query={
        "tab": "inbox, sent, colleagues or archived",
        "from": "only the emails exchanged with this address",
        "q": "only the emails whose subject has these words (any order, case and accents aside), "
        "at most 200 characters; a search reads a bounded part of the tab per request: follow "
        "next_cursor for more, even after a page with few or no emails",
        "limit": "1-100",
        "cursor": "next page",
    },
)
def email_list() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    items, cursor = email_tabs.list_emails(
        rep,
        req.query(request, "tab") or "inbox",
        req.limit(request),
        req.query(request, "cursor"),
        req.query(request, "from"),
        req.query(request, "q"),
    )
    return json_response(email_tabs.EmailPage(items=items, next_cursor=cursor))


@app.route("/api/emails/counts", methods=["GET"])
@documented("The signed-in rep's unread emails: Inbox and Suggested people", response=email_tabs.EmailTabCounts)
def email_counts() -> Response:
    return json_response(email_tabs.unread_counts(req.current_rep(req.current(app))))


@app.route("/api/emails/{email_id}", methods=["GET"])
@documented(
    "One of the signed-in rep's emails, whole: headers, sanitised HTML, text, attachment links",
    response=email_tabs.EmailDetail,
)
def get_email(email_id: str) -> Response:
    return json_response(email_tabs.get_email(req.current_rep(req.current(app)), email_id))


@app.route("/api/emails/read", methods=["POST"])
@documented(
    "Mark emails read or unread (these ids, or all of a tab); the rep's mail server follows at the next poll",
    request=email_tabs.EmailReadInput,
    response=email_tabs.EmailChange,
)
def mark_emails_read() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    return json_response(email_tabs.set_read(rep, req.json_body(request, email_tabs.EmailReadInput)))


@app.route("/api/emails/archive", methods=["POST"])
@documented(
    "Archive emails or put them back (these ids, or all of a tab)",
    request=email_tabs.EmailArchiveInput,
    response=email_tabs.EmailChange,
)
def archive_emails() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    return json_response(email_tabs.set_archived(rep, req.json_body(request, email_tabs.EmailArchiveInput)))


@app.route("/api/emails/send", methods=["POST"])
@documented(
    "Send an email from the signed-in rep's mailbox (a new one, or a reply: reply_to): stored, then "
    "sent through the rep's SMTP server; the email as stored whatever the outcome (send_status "
    "sent, failed or unknown). The same client_request_id again answers the same email, never "
    "sent twice. 409 no_mailbox, reconnect, in_progress",
    request=email_send.SendEmailInput,
    response=email_tabs.EmailDetail,
    status=201,
)
def send_email() -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    payload = req.json_body(request, email_send.SendEmailInput)
    return json_response(email_send.send_email(rep, payload, public_base_url(request)), 201)


@app.route("/api/emails/{email_id}/retry", methods=["POST"])
@documented(
    "Send again an email whose send failed; one that may have been sent (unknown) only with "
    "confirm_unknown. 409 already_sent, unconfirmed, in_progress",
    request=email_send.RetryEmailInput,
    response=email_tabs.EmailDetail,
)
def retry_email(email_id: str) -> Response:
    request = req.current(app)
    rep = req.current_rep(request)
    payload = req.json_body(request, email_send.RetryEmailInput)
    return json_response(email_send.retry_email(rep, email_id, payload, public_base_url(request)))


@app.route("/mail/o/{token}", methods=["GET"], any_parameter=True)
@documented(
    "The open pixel of a sent email (public, in the email's HTML): the same redirect to a "
    "transparent image whatever the token; a fetch of a sent email's token is recorded on it",
    status=302,
    public=True,
)
def open_pixel(token: str) -> Response:
    request = req.current(app)
    open_tracking.pixel_fetched(token, request.headers.get("user-agent"))
    return Response(
        body="",
        status_code=302,
        headers={"Location": open_tracking.pixel_location(), "Cache-Control": "no-store, private"},
    )
