/** The API's JSON shapes, as the dashboard reads them. */

export type RecordKind = "lead" | "contact" | "deal";
export type ActivityType = "email" | "call" | "sms" | "chat" | "note" | "task";

export type Rep = {
  id: string;
  name: string;
  email: string;
  role: "admin" | "rep";
  team: string;
  twilio_number: string | null;
  capabilities: "voice" | "voice+sms";
  forwarding_number: string | null;
  client_identity: string | null;
  time_zone: string;
  settings: Record<string, unknown>;
};

/** A rep's own call settings (C9), as sent to PUT /api/me/call-settings: all four, each time. */
export type CallSettings = {
  recording: boolean;
  voicemail: boolean;
  /** Empty: the stack's standard greeting. */
  voicemail_greeting: string;
  /** Where calls go when the browser does not answer; null: nowhere (voicemail). */
  forwarding_number: string | null;
};

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

export type Phone = { label: string; number: string };
export type Email = { label: string; address: string };
export type Address = {
  line1: string;
  line2: string;
  city: string;
  postal_code: string;
  region: string;
  country: string;
};

export type CrmRecord = {
  id: string;
  kind: RecordKind;
  display_name: string;
  is_company: boolean;
  first_name: string;
  last_name: string;
  company_name: string;
  title: string;
  phones: Phone[];
  emails: Email[];
  address: Address;
  status: string;
  owner_id: string;
  source: string;
  name: string;
  amount: string;
  currency: string;
  stage: "open" | "won" | "lost";
  expected_close: string;
  contact_ids: string[];
  created_at: string;
  updated_at: string;
  version: number;
};

export type Activity = {
  id: string;
  record_id: string | null;
  /** The remote number or address ("phone:+1415…") while no record owns it. */
  handle?: string | null;
  type: ActivityType;
  occurred_at: string;
  rep_id: string | null;
  direction: "inbound" | "outbound" | null;
  summary: string;
  body: string;
  starred: boolean;
  thread_id: string | null;
  conversation_id?: string | null;
  external_id?: string | null;
  data: Record<string, unknown>;
};

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
export type SmsData = {
  status: SmsStatus | string;
  from: string;
  to: string;
  segments: number;
  encoding: SmsEncoding;
  media: SmsMedia[];
  error_code: number | null;
  error_message: string | null;
  keyword?: string;
};

export type SmsEncoding = "GSM-7" | "UCS-2";

export type SmsSection = "matched" | "unmatched" | "ignored";

export type SmsConversation = {
  id: string;
  rep_id: string;
  rep_number: string;
  remote_number: string;
  handle: string;
  section: SmsSection;
  record: RecordRef | null;
  last_at: string;
  last_preview: string;
  last_direction: "inbound" | "outbound";
  unread: number;
  opted_out: boolean;
};

export type SmsPreview = { characters: number; segments: number; encoding: SmsEncoding };

export type CenterCounts = {
  sms: { matched: { unread: number }; unmatched: { unread: number } };
  /** Missed calls the rep has not seen yet (POST /api/calls/seen starts them again from zero). */
  calls: { matched: { missed: number }; unmatched: { missed: number } };
};

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
export type CallRecording = {
  sid: string;
  duration?: number | null;
  kind: "call" | "voicemail";
  stored?: boolean;
  deleted_at?: string;
};

/** The `data` of a call activity. */
export type CallData = {
  call_sid: string;
  status: CallStatus | string;
  from: string;
  to: string;
  /** The other party's number ("anonymous" when the caller withheld it). */
  remote: string;
  answered_by?: "browser" | "forward" | null;
  missed: boolean;
  voicemail: boolean;
  duration: number | null;
  started_at: string;
  answered_at?: string | null;
  ended_at?: string | null;
  recording?: CallRecording;
  summary?: CallSummary;
};

/** A follow-up task of a call summary: `due_at` is ISO-8601 with a zone. */
export type FollowUp = { title: string; due_at: string };

/** What the rep writes after a call (C8), as sent to PUT /api/calls/{sid}/summary. */
export type CallSummaryInput = {
  outcome: string;
  notes: string;
  deal_id: string | null;
  subject: string;
  follow_up: FollowUp | null;
};

/** A call's saved summary: what was sent, who wrote it and when. */
export type CallSummary = CallSummaryInput & { by: string; at: string };

export type CallSection = SmsSection;

/** A person as a center list row names them. */
export type RecordRef = { id: string; kind: "lead" | "contact"; display_name: string; status: string | null };

export type CallRow = { call: Activity; record: RecordRef | null; section: CallSection };

export type RecordingLink = { url: string; expires_in: number; content_type: string };

export type VoiceToken = { token: string; identity: string; expires_in: number };

export type Presence = { online: boolean; on_call: boolean; updated_at: string };

export type SearchHit = {
  id: string;
  kind: RecordKind;
  display_name: string;
  company_name: string;
  match: string;
};

export type Page<T> = { items: T[]; next_cursor: string | null };

export const LEAD_STATUSES = ["new", "working", "qualified", "unqualified"] as const;
export const CONTACT_STATUSES = ["active", "inactive"] as const;
export const DEAL_STAGES = ["open", "won", "lost"] as const;
