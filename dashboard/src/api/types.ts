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
  type: ActivityType;
  occurred_at: string;
  rep_id: string | null;
  direction: "inbound" | "outbound" | null;
  summary: string;
  body: string;
  starred: boolean;
  thread_id: string | null;
  data: Record<string, unknown>;
};

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
