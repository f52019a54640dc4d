/**
 * What an SMS says about itself besides its text: the delivery status of an outbound message
 * (with Twilio's error when it failed, and the sandbox outbox that never sends), the opt-out
 * keyword of an inbound one, and its MMS attachments. Shared by the center and the record feed.
 */

import type { Activity, SmsData, SmsMedia } from "../../api/types";
import { Badge } from "../../components/Badge";
import { Icon } from "../../components/Icon";

/** The SMS part of an activity's `data`, with safe defaults for what an older message lacks. */
export function smsData(activity: Activity): SmsData & { media: SmsMedia[] } {
  const data = activity.data as Partial<SmsData>;
  return {
    channel: "sms",
    status: typeof data.status === "string" ? data.status : "",
    from: data.from ?? "",
    to: data.to ?? "",
    segments: typeof data.segments === "number" ? data.segments : 0,
    encoding: data.encoding === "UCS-2" ? "UCS-2" : "GSM-7",
    media: Array.isArray(data.media) ? data.media : [],
    error_code: typeof data.error_code === "number" ? data.error_code : null,
    error_message: typeof data.error_message === "string" ? data.error_message : null,
    keyword: typeof data.keyword === "string" ? data.keyword : undefined,
  };
}

const FAILED = new Set(["failed", "undelivered", "canceled"]);

export function isFailed(status: string): boolean {
  return FAILED.has(status);
}

/** What the rep may send again (Twilio refused it, or it failed on the way): not a canceled one. */
export function isRetryable(status: string): boolean {
  return status === "failed" || status === "undelivered";
}

const STATUS_LABELS: Record<string, string> = {
  pending: "Sending…",
  retrying: "Retrying…",
  accepted: "Queued",
  queued: "Queued",
  scheduled: "Scheduled",
  sending: "Sending",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  failed: "Failed",
  undelivered: "Not delivered",
  canceled: "Canceled",
};

const SANDBOX_LABEL = "Not delivered — sandbox outbox";

/** The failure a rep reads: Twilio's explanation, and its error code for support. */
export function failureText(data: SmsData): string {
  const message = data.error_message || "Twilio could not deliver this message.";
  return data.error_code ? `${message} (error ${data.error_code})` : message;
}

/** Delivery of an outbound SMS, or the keyword an inbound one was. */
export function SmsDelivery({ activity }: { activity: Activity }) {
  const data = smsData(activity);
  if (activity.direction !== "outbound") {
    return data.keyword ? <Badge value="keyword" label={`Keyword ${data.keyword}`} /> : null;
  }
  if (data.status === "sandbox") {
    return (
      <span
        class="sms-status"
        data-status="sandbox"
        title="This stack has no Twilio account: the message was stored here and never sent."
      >
        <Badge value="sandbox" label={SANDBOX_LABEL} />
      </span>
    );
  }
  if (isFailed(data.status)) {
    return (
      <span class="sms-status" data-status={data.status}>
        <Badge value={data.status} label={STATUS_LABELS[data.status]} />
        <span class="sms-error">{failureText(data)}</span>
      </span>
    );
  }
  if (!data.status) return null;
  return (
    <span class="sms-status" data-status={data.status}>
      <Badge value={data.status} label={STATUS_LABELS[data.status] ?? data.status} />
    </span>
  );
}

/**
 * Twilio's media hosts (the API's own rule, domain/media.py): a webhook's MediaUrl points at
 * api.twilio.com, which redirects to its media CDN.
 */
const TWILIO_MEDIA_HOSTS = new Set(["api.twilio.com", "mms.twiliocdn.com", "media.twiliocdn.com"]);

/** Only https links to Twilio's media are shown: never `javascript:`, `data:` or another site. */
export function isTwilioMediaUrl(url: string): boolean {
  if (/[\s\\\u0000-\u001f\u007f]/.test(url)) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === "https:" &&
    TWILIO_MEDIA_HOSTS.has(parsed.hostname) &&
    parsed.username === "" &&
    parsed.password === "" &&
    parsed.port === ""
  );
}

/**
 * MMS attachments as links (Twilio serves them; the browser shows or downloads them). The API
 * keeps only Twilio's media; a message stored before it did is shown without the others.
 */
export function SmsAttachments({ media }: { media: SmsMedia[] }) {
  const shown = media.filter((item) => isTwilioMediaUrl(item.url));
  if (!shown.length) return null;
  return (
    <ul class="sms-media" aria-label="Attachments">
      {shown.map((item, index) => (
        <li key={item.url}>
          <a href={item.url} target="_blank" rel="noopener noreferrer">
            <Icon name="attachment" size={14} />
            Attachment {index + 1}
            {item.content_type && <span class="muted"> · {item.content_type}</span>}
          </a>
        </li>
      ))}
    </ul>
  );
}
