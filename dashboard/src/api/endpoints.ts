/** One function per API route the dashboard uses. */

import { api, sendWhileLeaving, withQuery } from "./client";
import type {
  Activity,
  ActivityFlags,
  ActivityPage,
  ActivityType,
  AddHandleInput,
  AddSuggestedInput,
  CallOutcomes,
  CallScript,
  CallScripts,
  CallPage,
  CallSection,
  CallSettings,
  CallSummaryInput,
  CenterCounts,
  ConnectionReport,
  ConversationPage,
  CrmRecord,
  EmailChange,
  EmailDetail,
  EmailPage,
  EmailSelection,
  EmailTabCounts,
  EmailTabName,
  DeleteForeverInput,
  DeleteForeverPreview,
  EraseInput,
  ConversationView,
  FolderActionInput,
  FolderChange,
  FolderCounts,
  FolderPage,
  FolderSource,
  FolderView,
  IgnoreInput,
  IgnoreSuggestedInput,
  MailboxInput,
  MailboxView,
  NoteInput,
  OAuthProvider,
  OAuthStartView,
  PersonErasure,
  PersonExport,
  Presence,
  PresenceInput,
  PreviewInput,
  QuickReply,
  QuickReplyInput,
  QuickReplyList,
  RecordInput,
  RecordKind,
  RecordPage,
  RecordPatch,
  RecordingLink,
  Reminder,
  ReminderInput,
  ReminderList,
  Rep,
  RepList,
  RetryEmailInput,
  RetrySmsInput,
  SearchResults,
  SendEmailInput,
  SendSmsInput,
  SmsConversation,
  SmsPreview,
  SmsSection,
  SuggestedOutcome,
  SuggestedPeoplePage,
  TrashPage,
  UnmatchedHistory,
  VoiceStatus,
  VoiceToken,
} from "./types";

export type RecordOrder = "newest" | "name";

export const getMe = (signal?: AbortSignal) => api<Rep>("GET", "/api/me", undefined, signal);

/** The signed-in rep's call settings (C9); the API answers with the rep, its number normalised. */
export const saveCallSettings = (settings: CallSettings) => api<Rep>("PUT", "/api/me/call-settings", settings);

/** The signed-in rep's mailbox and its sync health. */
export const getMailbox = (signal?: AbortSignal) => api<MailboxView>("GET", "/api/me/mailbox", undefined, signal);

/** Connects or changes the mailbox (send the version read); the password only when it changes. */
export const saveMailbox = (body: MailboxInput) => api<MailboxView>("PUT", "/api/me/mailbox", body);

/** Forgets the mailbox: its settings and password (the mail synced stays). */
export const disconnectMailbox = () => api<void>("DELETE", "/api/me/mailbox");

/** "Retry now": the next scheduled poll, within a minute, tries the mailbox. */
export const retryMailbox = () => api<MailboxView>("POST", "/api/me/mailbox/retry");

/** "Test connection": the form's settings tried as they are (nothing is stored). */
export const testMailbox = (body: MailboxInput) => api<ConnectionReport>("POST", "/api/me/mailbox/test", body);

/** "Connect Google": the provider's sign-in page, which sends the rep back to `redirectUri`. */
export const startMailboxOAuth = (provider: OAuthProvider, redirectUri: string) =>
  api<OAuthStartView>("POST", "/api/me/mailbox/oauth/start", { provider, redirect_uri: redirectUri });

/** Back from the provider's sign-in: the account connected as the mailbox. */
export const finishMailboxOAuth = (state: string, code: string) =>
  api<MailboxView>("POST", "/api/me/mailbox/oauth/finish", { state, code });

export const listReps = () => api<RepList>("GET", "/api/reps");

export const listRecords = (
  kind: RecordKind,
  order: RecordOrder,
  cursor: string | null,
  signal?: AbortSignal,
) =>
  api<RecordPage>(
    "GET",
    withQuery("/api/records", { kind, order, cursor, limit: 25 }),
    undefined,
    signal,
  );

export const getRecord = (id: string, signal?: AbortSignal) =>
  api<CrmRecord>("GET", `/api/records/${encodeURIComponent(id)}`, undefined, signal);

export const createRecord = (body: RecordInput) => api<CrmRecord>("POST", "/api/records", body);

export const updateRecord = (id: string, patch: RecordPatch) =>
  api<CrmRecord>("PATCH", `/api/records/${encodeURIComponent(id)}`, patch);

/** Deletes a record (its owner or an admin): it goes to the trash, where an admin can restore it for 30 days. */
export const deleteRecord = (id: string) => api<void>("DELETE", `/api/records/${encodeURIComponent(id)}`);

/** The trash, newest deletion first (admins). */
export const listTrash = (cursor: string | null, signal?: AbortSignal) =>
  api<TrashPage>("GET", withQuery("/api/trash", { cursor, limit: 25 }), undefined, signal);

/** Takes a record out of the trash (admins); refused (409) while another record holds one of its numbers. */
export const restoreRecord = (id: string) =>
  api<CrmRecord>("POST", `/api/trash/${encodeURIComponent(id)}/restore`);

/** Erases a record of the trash for good, with its whole history (admins). */
export const eraseRecord = (id: string) => api<void>("DELETE", `/api/trash/${encodeURIComponent(id)}`);

/** A lead's or contact's data as one zip (admins): the answer links to it for five minutes. */
export const exportPerson = (id: string) =>
  api<PersonExport>("POST", `/api/records/${encodeURIComponent(id)}/export`);

/** Erases a lead or contact everywhere (admins), their name typed again; answers what went. */
export const erasePerson = (id: string, confirmName: string) =>
  api<PersonErasure>("POST", `/api/records/${encodeURIComponent(id)}/erase`, {
    confirm_name: confirmName,
  } satisfies EraseInput);

/** `rep`: one rep's activities (a rep id), or null for the whole team's. */
export type FeedFilter = { type: ActivityType | null; starred: boolean; thread: boolean; rep: string | null };

export const listActivities = (id: string, filter: FeedFilter, cursor: string | null, signal?: AbortSignal) =>
  api<ActivityPage>(
    "GET",
    withQuery(`/api/records/${encodeURIComponent(id)}/activities`, {
      type: filter.type,
      starred: filter.starred ? "true" : null,
      thread: filter.thread ? MAIN_THREAD : null,
      rep: filter.rep,
      cursor,
      limit: 25,
    }),
    undefined,
    signal,
  );

/** The one thread a record has (A2); an activity is in it or not. */
export const MAIN_THREAD = "main";

export type ActivityPatch = Omit<ActivityFlags, "occurred_at">;
/** What marking an activity needs of it: an activity of the feed, or an email the reader opened. */
export type MarkedActivity = Pick<Activity, "id" | "occurred_at" | "starred" | "thread_id">;

/** Stars or threads one activity of a record's feed; the API finds it by its time. */
export const updateActivity = (
  recordId: string,
  activity: Pick<Activity, "id" | "occurred_at">,
  patch: ActivityPatch,
) =>
  api<Activity>(
    "PATCH",
    `/api/records/${encodeURIComponent(recordId)}/activities/${encodeURIComponent(activity.id)}`,
    { occurred_at: activity.occurred_at, ...patch } satisfies ActivityFlags,
  );

export const addNote = (id: string, body: string) =>
  api<Activity>("POST", `/api/records/${encodeURIComponent(id)}/notes`, { body } satisfies NoteInput);

export const search = (q: string, signal?: AbortSignal, kind?: RecordKind) =>
  api<SearchResults>("GET", withQuery("/api/search", { q, kind, limit: 8 }), undefined, signal);

/** Adds a number or address to an existing record; its history moves onto the record. */
export const addHandle = (recordId: string, handle: string) =>
  api<CrmRecord>("POST", `/api/records/${encodeURIComponent(recordId)}/handles`, { handle } satisfies AddHandleInput);

/** Ignores a number in the rep's own lists, or (`forTeam`, admins) in every rep's. */
export const ignoreHandle = (handle: string, ignored: boolean, forTeam = false) =>
  api<void>("POST", "/api/unmatched/ignore", { handle, ignored, for_team: forTeam } satisfies IgnoreInput);

export const getUnmatchedHistory = (handle: string, signal?: AbortSignal) =>
  api<UnmatchedHistory>("GET", withQuery("/api/unmatched/history", { handle }), undefined, signal);

/** The rep's Suggested people (E6): strangers who emailed, one row per address, latest first. */
export const listSuggestedPeople = (cursor: string | null, signal?: AbortSignal) =>
  api<SuggestedPeoplePage>("GET", withQuery("/api/suggested-people", { cursor, limit: 25 }), undefined, signal);

/** Each sender a lead or contact of their own; `withCompany`: the suggested company's name on it. */
export const addSuggestedPeople = (kind: "lead" | "contact", addresses: string[], withCompany: boolean) =>
  api<SuggestedOutcome>("POST", "/api/suggested-people/add", {
    kind,
    addresses,
    with_company: withCompany,
  } satisfies AddSuggestedInput);

/** Ignore the senders' addresses, or (`wholeDomain`) every address of their domains. */
export const ignoreSuggestedPeople = (addresses: string[], wholeDomain: boolean) =>
  api<SuggestedOutcome>("POST", "/api/suggested-people/ignore", {
    addresses,
    whole_domain: wholeDomain,
  } satisfies IgnoreSuggestedInput);

export const getCenterCounts = (signal?: AbortSignal) =>
  api<CenterCounts>("GET", "/api/center/counts", undefined, signal);

export const listSmsConversations = (
  section: SmsSection,
  status: string | null,
  cursor: string | null,
  signal?: AbortSignal,
) =>
  api<ConversationPage>(
    "GET",
    withQuery("/api/sms/conversations", { section, status, cursor, limit: 25 }),
    undefined,
    signal,
  );

const conversationPath = (id: string) => `/api/sms/conversations/${encodeURIComponent(id)}`;

/** Newest first, as the API pages them. */
export const listSmsMessages = (id: string, cursor: string | null, signal?: AbortSignal) =>
  api<ActivityPage>(
    "GET",
    withQuery(`${conversationPath(id)}/messages`, { cursor, limit: 50 }),
    undefined,
    signal,
  );

export const markSmsConversationRead = (id: string) =>
  api<SmsConversation>("POST", `${conversationPath(id)}/read`);

export const deleteSmsConversation = (id: string) => api<void>("DELETE", conversationPath(id));

export const getSmsConversation = (id: string, signal?: AbortSignal) =>
  api<SmsConversation>("GET", conversationPath(id), undefined, signal);

export const previewSms = (body: string, signal?: AbortSignal) =>
  api<SmsPreview>("POST", "/api/sms/preview", { body } satisfies PreviewInput, signal);

export type SmsSend = SendSmsInput;

export const sendSms = (message: SmsSend) => api<Activity>("POST", "/api/sms/messages", message);

/** Send again the rep's own failed SMS: answered `retrying`, then sent by the next sweep. */
export const retrySms = (message: Activity) => {
  const conversation = message.conversation_id ?? "";
  return api<Activity>(
    "POST",
    `${conversationPath(conversation)}/messages/${encodeURIComponent(message.id)}/retry`,
    { occurred_at: message.occurred_at } satisfies RetrySmsInput,
  );
};

export type CallFilter = { section: CallSection; missed: boolean; status: string | null };

/** The rep's calls, newest first; `missed` lists missed calls across Matched and Unmatched. */
export const listCalls = (filter: CallFilter, cursor: string | null, signal?: AbortSignal) =>
  api<CallPage>(
    "GET",
    withQuery("/api/calls", {
      section: filter.section,
      missed: filter.missed ? "true" : null,
      status: filter.status,
      cursor,
      limit: 25,
    }),
    undefined,
    signal,
  );

/** The rep has seen the missed calls: their counts start again from zero. */
export const markCallsSeen = () => api<void>("POST", "/api/calls/seen");

/** A short-lived link to a call's recording or voicemail. */
export const getCallRecording = (callSid: string) =>
  api<RecordingLink>("GET", `/api/calls/${encodeURIComponent(callSid)}/recording`);

/** The call's recording or voicemail, deleted for good (the call's rep or an admin). */
export const deleteCallRecording = (callSid: string) =>
  api<Activity>("DELETE", `/api/calls/${encodeURIComponent(callSid)}/recording`);

/** The rep declines a call ringing here: once the browser rejects it, the caller gets voicemail. */
export const declineCall = (callSid: string) =>
  api<Activity>("POST", `/api/calls/${encodeURIComponent(callSid)}/decline`);

/** Saves (or replaces) the summary of a call (C8); the API answers with the call. */
export const saveCallSummary = (callSid: string, summary: CallSummaryInput) =>
  api<Activity>("PUT", `/api/calls/${encodeURIComponent(callSid)}/summary`, summary);

export const getVoiceToken = () => api<VoiceToken>("GET", "/api/voice/token");

/** Whether the stack can sign the softphone's tokens, asked before any try (no refused token). */
export const getVoiceStatus = (signal?: AbortSignal) =>
  api<VoiceStatus>("GET", "/api/voice/status", undefined, signal);

/** Whether the softphone can ring: sent on going online/offline, on each call, and every minute. */
export const setPresence = (online: boolean, onCall: boolean) =>
  api<Presence>("POST", "/api/voice/presence", { online, on_call: onCall } satisfies PresenceInput);

/** The tab is going away: the phone stops ringing here now rather than when presence lapses. */
export const goOfflineWhileLeaving = () =>
  sendWhileLeaving("POST", "/api/voice/presence", { online: false, on_call: false } satisfies PresenceInput);

export const getCallOutcomes = (signal?: AbortSignal) =>
  api<CallOutcomes>("GET", "/api/settings/call-outcomes", undefined, signal);

/** The team's outcomes, replaced (admins): the API trims them, drops blanks and repeats, keeps the order. */
export const saveCallOutcomes = (items: string[]) =>
  api<CallOutcomes>("PUT", "/api/settings/call-outcomes", { items } satisfies CallOutcomes);

export const getCallScripts = (signal?: AbortSignal) =>
  api<CallScripts>("GET", "/api/settings/call-scripts", undefined, signal);

/** The team's scripts, replaced whole (admins): the API trims them and refuses repeated titles, naming each field. */
export const saveCallScripts = (items: CallScript[]) =>
  api<CallScripts>("PUT", "/api/settings/call-scripts", { items } satisfies CallScripts);

/** The rep's quick replies and the team's shared ones, each filled for `recordId` (none: placeholders empty). */
export const listQuickReplies = (recordId: string | null, signal?: AbortSignal) =>
  api<QuickReplyList>("GET", withQuery("/api/quick-replies", { record_id: recordId }), undefined, signal);

export const createQuickReply = (body: QuickReplyInput) => api<QuickReply>("POST", "/api/quick-replies", body);

/** Changes a quick reply (a shared one: its owner or an admin). */
export const updateQuickReply = (id: string, body: QuickReplyInput) =>
  api<QuickReply>("PUT", `/api/quick-replies/${encodeURIComponent(id)}`, body);

export const deleteQuickReply = (id: string) => api<void>("DELETE", `/api/quick-replies/${encodeURIComponent(id)}`);

/** A search within an Email tab: `from` the emails exchanged with that address, `q` those whose
 * subject has these words (a page may then hold few or none, with more to load). */
export type EmailSearch = { from?: string; q?: string };

/** The rep's emails of a tab, newest first, or what `search` finds there. */
export const listEmails = (tab: EmailTabName, search: EmailSearch, cursor: string | null, signal?: AbortSignal) =>
  api<EmailPage>("GET", withQuery("/api/emails", { tab, ...search, cursor, limit: 25 }), undefined, signal);

/** Unread emails in Inbox and among Suggested people. */
export const getEmailCounts = (signal?: AbortSignal) =>
  api<EmailTabCounts>("GET", "/api/emails/counts", undefined, signal);

/** One email whole: headers, sanitised HTML, text, attachment links. */
export const getEmail = (id: string, signal?: AbortSignal) =>
  api<EmailDetail>("GET", `/api/emails/${encodeURIComponent(id)}`, undefined, signal);

/** Read or unread; the rep's mail server follows at the next poll. */
export const setEmailsRead = (selection: EmailSelection, read: boolean) =>
  api<EmailChange>("POST", "/api/emails/read", { ...selection, read });

/** Archive emails, or put them back in their tab. */
export const setEmailsArchived = (selection: EmailSelection, archived: boolean) =>
  api<EmailChange>("POST", "/api/emails/archive", { ...selection, archived });

/** Sends an email through the rep's mailbox; the answer is the email stored, sent or not
 * (`send_status`). The same `client_request_id` again never sends it twice. */
export const sendEmail = (body: SendEmailInput) => api<EmailDetail>("POST", "/api/emails/send", body);

/** Sends again an email that was not sent (`failed`), or one that may have been (`unknown`,
 * only with `confirmUnknown`). */
export const retryEmail = (id: string, confirmUnknown: boolean) =>
  api<EmailDetail>("POST", `/api/emails/${encodeURIComponent(id)}/retry`, {
    confirm_unknown: confirmUnknown,
  } satisfies RetryEmailInput);

/** What a reminder is about: a conversation, a record or one email (the list takes exactly one). */
export type ReminderTarget = { conversation_id?: string; record_id?: string; email_id?: string };

/** The rep's reminders still to fire on it (and those given up, until dismissed), due first. */
export const listReminders = (on: ReminderTarget, signal?: AbortSignal) =>
  api<ReminderList>("GET", withQuery("/api/reminders", on), undefined, signal);

/** Asks for a reminder (08:00 of the rep's day picked). */
export const createReminder = (body: ReminderInput) => api<Reminder>("POST", "/api/reminders", body);

/** Cancels a pending reminder, or dismisses a failed one. */
export const cancelReminder = (id: string) => api<void>("DELETE", `/api/reminders/${encodeURIComponent(id)}`);

/** A folder view's conversations of every channel (or one `source`), newest activity first. */
export const listFolder = (view: FolderView, source: FolderSource | null, cursor: string | null, signal?: AbortSignal) =>
  api<FolderPage>("GET", withQuery(`/api/folders/${view}`, { source, cursor, limit: 50 }), undefined, signal);

/** Every folder view's count, total and unread, by source. */
export const getFolderCounts = (signal?: AbortSignal) =>
  api<FolderCounts>("GET", "/api/folders/counts", undefined, signal);

/** One conversation of the rep's folders for its page, with its customer's card. */
export const getConversation = (id: string, signal?: AbortSignal) =>
  api<ConversationView>("GET", `/api/conversations/${encodeURIComponent(id)}`, undefined, signal);

/** An action on conversations named by id, or on all of a view. */
export const actOnFolders = (body: FolderActionInput) => api<FolderChange>("POST", "/api/folders/actions", body);

/** What deleting conversations of Trash for good would take: how many, and the customers' cards. */
export const previewDeleteForever = (body: DeleteForeverInput) =>
  api<DeleteForeverPreview>("POST", "/api/folders/delete-forever/preview", body);
