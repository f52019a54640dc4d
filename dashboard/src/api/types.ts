/**
 * The API's JSON shapes, as the dashboard reads them: named aliases of the types generated from
 * the API's OpenAPI document (`schema.d.ts`, from `openapi.json`; `make openapi` regenerates
 * both). Only what the document leaves open is spelled out here: the `data` of an activity, a
 * free object in the API, whose shape depends on the activity's type.
 */

import type { components } from "./schema";

type Schemas = components["schemas"];

export type Rep = Schemas["Rep"];
/** A teammate in the team's list: the forwarding number only for admins (and the rep themself). */
export type TeamRep = Schemas["TeamRep"];
export type RepList = Schemas["RepList"];

/** A rep's own call settings (C9), as sent to PUT /api/me/call-settings: all four, each time. */
export type CallSettings = Required<Schemas["CallSettingsInput"]>;

/** A rep's call settings as the API keeps them; an absent one is its default (recording off, voicemail on). */
export function callSettingsOf(rep: Rep): CallSettings {
  const settings = rep.settings;
  return {
    recording: typeof settings.recording === "boolean" ? settings.recording : false,
    voicemail: typeof settings.voicemail === "boolean" ? settings.voicemail : true,
    voicemail_greeting: typeof settings.voicemail_greeting === "string" ? settings.voicemail_greeting : "",
    forwarding_number: rep.forwarding_number,
  };
}

export type CrmRecord = Schemas["Record"];
export type RecordKind = CrmRecord["kind"];
export type RecordPage = Schemas["RecordPage"];
/** A deleted record, as the admins' Trash page lists it: who deleted it, when, when it is erased. */
export type TrashedRecord = Schemas["TrashedRecord"];
export type TrashPage = Schemas["TrashPage"];
/** A person's data as one archive (admins): a five-minute link that downloads it, and what it holds. */
export type PersonExport = Schemas["PersonExport"];
/** The person's name, typed again to confirm their erasure. */
export type EraseInput = Schemas["EraseInput"];
/** What erasing a person deleted, counted. */
export type PersonErasure = Schemas["PersonErasure"];
/** The body of a create: the kind, and any fields (the others take their defaults). */
export type RecordInput = Schemas["RecordInput"];
/** The body of a change: any fields, and the `version` the record was read at. */
export type RecordPatch = Schemas["RecordPatch"];
/** The fields of a record as a form sends them (to create, with the kind; to change, with the version). */
export type RecordFields = Omit<RecordInput, "kind">;
export type DealStage = CrmRecord["stage"];
/** Add an unmatched number or address to a record. */
export type AddHandleInput = Schemas["AddHandleInput"];
/** Hide an unmatched number's or address's traffic (or show it again). */
export type IgnoreInput = Schemas["IgnoreInput"];
/** What an unmatched number exchanged, and with which reps: what adding it to a record shows the team. */
export type UnmatchedHistory = Schemas["UnmatchedHistory"];
/** Suggested people (E6): a sender's row, a page of them, the bulk actions and what they did. */
export type SuggestedPerson = Schemas["SuggestedPerson"];
export type SuggestedPeoplePage = Schemas["SuggestedPeoplePage"];
export type AddSuggestedInput = Schemas["AddSuggestedInput"];
export type IgnoreSuggestedInput = Schemas["IgnoreSuggestedInput"];
export type SuggestedOutcome = Schemas["SuggestedOutcome"];
export type Phone = Schemas["Phone-Output"];
export type Email = Schemas["Email-Output"];
export type Address = Schemas["Address-Output"];

export type Activity = Schemas["Activity"];
export type ActivityType = Activity["type"];
export type ActivityPage = Schemas["ActivityPage"];
/** Star or thread an activity; `occurred_at` locates it. */
export type ActivityFlags = Schemas["ActivityFlags"];
export type NoteInput = Schemas["NoteInput"];

/** An SMS as Twilio reported it: `pending` before Twilio answered, `sandbox` when never sent. */
export type SmsStatus =
  | "received"
  | "pending"
  | "accepted"
  | "queued"
  | "sending"
  | "sent"
  | "delivered"
  | "read"
  | "undelivered"
  | "failed"
  | "canceled"
  | "sandbox";

export type SmsMedia = { url: string; content_type: string };

/** The `data` of an SMS activity. */
export type SmsData = Schemas["SmsFacts"];

export type SmsSegments = Schemas["SmsSegments"];
export type SmsPreview = SmsSegments;
export type PreviewInput = Schemas["PreviewInput"];
export type SmsEncoding = SmsSegments["encoding"];
export type SmsConversation = Schemas["SmsConversation"];
export type SmsSection = SmsConversation["section"];
export type ConversationPage = Schemas["ConversationPage"];
export type SendSmsInput = Schemas["SendSmsInput"];
export type RetrySmsInput = Schemas["RetrySmsInput"];

/** Unread SMS and missed calls (not seen yet: POST /api/calls/seen starts them again from zero). */
export type CenterCounts = Schemas["CenterCounts"];

/** Twilio's call statuses, in the order they happen; the last five are final. */
export type CallStatus =
  | "queued"
  | "initiated"
  | "ringing"
  | "in-progress"
  | "completed"
  | "busy"
  | "failed"
  | "no-answer"
  | "canceled";

/** A call's recording or voicemail: `stored` once copied from Twilio (playable), `deleted_at` once deleted. */
export type CallRecording = Schemas["CallRecording"];

/** The `data` of a call activity. */
export type CallData = Schemas["CallFacts"];

/** The `data` of a task: due date, and whether, when and by whom it was completed. */
export type TaskData = Schemas["TaskFacts"];

/** A follow-up task of a call summary: `due_at` is ISO-8601 with a zone. */
export type FollowUp = Schemas["FollowUp"];

/** What the rep writes after a call (C8), as the dashboard sends it to PUT /api/calls/{sid}/summary: every field. */
export type CallSummaryInput = Required<Schemas["CallSummaryInput"]>;

/** A call's saved summary (in the call's `data`): what was sent, who wrote it and when. */
export type CallSummary = Schemas["CallSummaryFacts"];

export type CallSection = SmsSection;

/** A person as a center list row names them. */
export type RecordRef = Schemas["RecordSummary"];

export type CallRow = Schemas["CallRow"];
export type CallPage = Schemas["CallPage"];
export type CallOutcomes = Schemas["CallOutcomes"];
/** The team's call scripts (admins write them), offered by the softphone during a call. */
export type CallScripts = Schemas["CallScripts"];
export type CallScript = Schemas["CallScript"];
/** Quick replies: one (filled for a record, its unknown placeholders named), what a rep writes, the list. */
/** The folder views (C4): a conversation of any channel sits in one folder of its viewer; Unread
 * lists those with messages not read in the Inbox or Follow-up. */
export const FOLDER_VIEWS = ["inbox", "unread", "follow_up", "archived", "trash", "spam"] as const;
export type FolderView = (typeof FOLDER_VIEWS)[number];
export const FOLDER_SOURCES = ["email", "sms", "call", "chat"] as const;
export type FolderSource = (typeof FOLDER_SOURCES)[number];
export type FolderRow = Schemas["FolderRow"];
export type FolderPage = Schemas["FolderPage"];
export type FolderCounts = Schemas["FolderCounts"];
export type FolderActionInput = Schemas["FolderActionInput"];
export type FolderChange = Schemas["FolderChange"];
/** Deleting conversations of Trash for good: what the confirmation names first. */
export type DeleteForeverInput = Schemas["DeleteForeverInput"];
export type DeleteForeverPreview = Schemas["DeleteForeverPreview"];
/** The conversation page (I4): the conversation, and the card of the customer it is with (null: unmatched). */
export type ConversationView = Schemas["ConversationView"];
export type OpenConversationData = Schemas["OpenConversation"];
export type CustomerCard = Schemas["CustomerCard"];
export type FolderAction =
  | "archive"
  | "trash"
  | "spam"
  | "not_spam"
  | "inbox"
  | "read"
  | "unread"
  | "follow_up";

export type QuickReply = Schemas["QuickReply"];
export type QuickReplyInput = Schemas["QuickReplyInput"];
export type QuickReplyList = Schemas["QuickReplyList"];

export type RecordingLink = Schemas["RecordingLink"];

export type VoiceToken = Schemas["VoiceToken"];
/** Whether browser calling is set up on the stack, and the settings it still needs. */
export type VoiceStatus = Schemas["VoiceStatus"];
export type VoiceSetting = Schemas["VoiceSetting"];

export type Presence = Schemas["Presence"];
export type PresenceInput = Schemas["PresenceInput"];

/** The signed-in rep's mailbox: how it is reached (never its secret), its sync health. */
export type MailboxView = Schemas["MailboxView"];
export type MailboxDetails = Schemas["MailboxDetails"];
/** How the mailbox logs in: a password, or a Google or Microsoft account. */
export type AuthKind = MailboxDetails["auth"];
export type SyncHealth = Schemas["SyncHealthView"];
/** The mailbox form as PUT /api/me/mailbox takes it: the password only when it changes. */
export type MailboxInput = Schemas["MailboxInput"];
export type ServerEndpoint = Schemas["ServerEndpoint-Input"];
export type TlsMode = NonNullable<ServerEndpoint["tls"]>;
/** An account a mailbox can be connected with instead of a password ("Connect Google"). */
export type OAuthProvider = NonNullable<MailboxView["connect_with"]>[number];
export type OAuthStartView = Schemas["OAuthStartView"];
/** "Test connection": each step (IMAP, its Sent folder, SMTP) in plain words. */
export type ConnectionReport = Schemas["ConnectionReport"];
export type ConnectionStep = Schemas["ConnectionStep"];

export type SearchHit = Schemas["SearchHit"];
export type SearchResults = Schemas["SearchResults"];

/** What every paged list of the API answers (`RecordPage`, `ActivityPage`, ... are each one). */
export type Page<T> = { items: T[]; next_cursor: string | null };

export const LEAD_STATUSES = ["new", "working", "qualified", "unqualified"] as const;
export const CONTACT_STATUSES = ["active", "inactive"] as const;
export const DEAL_STAGES = ["open", "won", "lost"] as const;

/** Email (E2): the tabs listed by the API, a row of one, an email whole, the unread counts. */
export type EmailTabName = "inbox" | "sent" | "colleagues" | "archived";
export type EmailRow = Schemas["EmailRow"];
export type EmailPage = Schemas["EmailPage"];
export type EmailDetail = Schemas["EmailDetail"];
export type EmailTabCounts = Schemas["EmailTabCounts"];
export type EmailChange = Schemas["EmailChange"];
/** Sending (E5): what the composer sends, and what a retry of a send that failed says. */
export type SendEmailInput = Schemas["SendEmailInput"];
export type RetryEmailInput = Schemas["RetryEmailInput"];
/** Which emails a bulk action changes: these ids, or every email of a tab. */
export type EmailSelection = { ids: string[] } | { all: true; tab: EmailTabName };
/** Reminders: one of the rep's (pending, firing, or failed with its error), what a rep asks for, a list. */
export type Reminder = Schemas["Reminder"];
export type ReminderInput = Schemas["ReminderInput"];
export type ReminderList = Schemas["ReminderList"];
