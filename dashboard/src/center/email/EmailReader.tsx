/**
 * One email read whole (E3): subject, whom, when, the lead or contact, attachments, and the HTML
 * in a sandboxed frame: no scripts, an origin of its own, a Content-Security-Policy that lets
 * nothing be fetched. Remote images wait in `data-remote-src` (the API's sanitiser put them
 * there) until the rep asks: "Show images" moves them into `src` and lets https images load,
 * for this email only.
 */

import { useEffect, useState } from "preact/hooks";
import { getEmail, setEmailsRead } from "../../api/endpoints";
import type { Activity, EmailDetail } from "../../api/types";
import { ErrorState, Spinner } from "../../components/Feedback";
import { Icon } from "../../components/Icon";
import { formatDateTime } from "../../components/Time";
import { useAsync } from "../../hooks";
import { ActivityMarks } from "../../records/ActivityMarks";
import { recordPath } from "../../records/kinds";
import { Link } from "../../router";
import { Reminders } from "../../reminders/Reminders";
import { useTeam } from "../../team";
import { type Composition, replyTo } from "./compose";
import { DeliveryDetails } from "./delivery";

const BLOCKED = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";
const IMAGES = "default-src 'none'; img-src https: data:; style-src 'unsafe-inline'";

/** The frame's document: the email's HTML under a CSP, links opening in a new tab. */
export function frameDocument(html: string, showImages: boolean): string {
  const body = showImages ? withRemoteImages(html) : html;
  const policy = showImages ? IMAGES : BLOCKED;
  return (
    `<!doctype html><html><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${policy}">` +
    `<base target="_blank"><style>body{font:14px/1.5 system-ui,sans-serif;margin:12px;word-wrap:break-word}` +
    `img{max-width:100%;height:auto}</style></head><body>${body}</body></html>`
  );
}

/** `data-remote-src` moved into `src` (a parsed document fetches nothing: it is never rendered). */
function withRemoteImages(html: string): string {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  for (const image of Array.from(parsed.querySelectorAll("img[data-remote-src]"))) {
    const source = image.getAttribute("data-remote-src") ?? "";
    if (source.startsWith("https://")) image.setAttribute("src", source);
    image.removeAttribute("data-remote-src");
  }
  return parsed.body.innerHTML;
}

function addresses(list: { address: string; name?: string }[]): string {
  return list.map((party) => (party.name ? `${party.name} <${party.address}>` : party.address)).join(", ");
}

type ReaderProps = {
  id: string;
  onClose: () => void;
  onRead: () => void;
  /** Reply, Reply all: the composer opened for this email. */
  onCompose: (composition: Composition) => void;
  /** The email was sent again (Retry): the lists show its new state. */
  onRetried: () => void;
};

export function EmailReader({ id, onClose, onRead, onCompose, onRetried }: ReaderProps) {
  const { me } = useTeam();
  const email = useAsync((signal) => getEmail(id, signal), [id]);
  // Opening an unread email reads it (here at once, on the mail server at the next poll).
  const unread = email.data?.id === id && !email.data.read;
  useEffect(() => {
    if (unread) setEmailsRead({ ids: [id] }, true).then(onRead, () => undefined);
  }, [id, unread]);
  return (
    <section class="card email-reader" aria-label="Email">
      <div class="email-reader-bar">
        {/* One not sent (yet) is answered by nobody: it is retried, not replied to. */}
        {email.data?.id === id && (email.data.send_status === "" || email.data.send_status === "sent") && (
          <>
            <button
              type="button"
              class="btn btn-secondary"
              onClick={() => email.data && onCompose(replyTo(email.data, false, [me.email]))}
            >
              <Icon name="arrowLeft" size={16} /> Reply
            </button>
            <button
              type="button"
              class="btn btn-secondary"
              onClick={() => email.data && onCompose(replyTo(email.data, true, [me.email]))}
            >
              Reply all
            </button>
          </>
        )}
        <button type="button" class="btn btn-secondary" onClick={onClose}>
          <Icon name="close" size={16} /> Close
        </button>
      </div>
      {email.loading && !email.data ? (
        <Spinner />
      ) : email.error ? (
        <ErrorState message={email.error} onRetry={email.reload} />
      ) : email.data ? (
        <EmailBody
          key={email.data.id}
          email={email.data}
          onRetried={() => {
            email.reload();
            onRetried();
          }}
        />
      ) : null}
    </section>
  );
}

function EmailBody({ email, onRetried }: { email: EmailDetail; onRetried: () => void }) {
  const [showImages, setShowImages] = useState(false);
  const remoteImages = email.html?.includes("data-remote-src") ?? false;
  const files = email.attachments.filter((attachment) => !attachment.inline);
  // Its star and thread on its record's feed (A1, A2), as saved.
  const [marks, setMarks] = useState({ starred: email.starred, thread_id: email.thread_id });
  return (
    <article class="email-message">
      <div class="email-subject-row">
        <h2 class="email-subject">{email.subject || "(no subject)"}</h2>
        {email.record && (
          <ActivityMarks
            recordId={email.record.id}
            activity={{ id: email.activity_id, occurred_at: email.at, ...marks }}
            noun="Email"
            onUpdated={(saved) => setMarks({ starred: saved.starred, thread_id: saved.thread_id })}
          />
        )}
      </div>
      <dl class="email-headers">
        <dt>From</dt>
        <dd data-testid="email-from">{email.from ? addresses([email.from]) : "(unknown)"}</dd>
        <dt>To</dt>
        <dd data-testid="email-to">{addresses(email.to)}</dd>
        {email.cc.length > 0 && (
          <>
            <dt>Cc</dt>
            <dd>{addresses(email.cc)}</dd>
          </>
        )}
        <dt>Date</dt>
        <dd>{formatDateTime(email.at)}</dd>
        {email.record && (
          <>
            <dt>{email.record.kind === "lead" ? "Lead" : "Contact"}</dt>
            <dd>
              <Link href={recordPath(email.record.id)}>{email.record.display_name}</Link>
            </dd>
          </>
        )}
      </dl>
      <DeliveryDetails email={email} onRetried={onRetried} />
      <Reminders kind={email.direction === "outbound" ? "no_reply" : "reply_by"} on={{ email_id: email.id }} />
      {files.length > 0 && (
        <ul class="email-attachments" aria-label="Attachments">
          {files.map((attachment) => (
            <li key={attachment.url}>
              <a href={attachment.url} download={attachment.filename}>
                <Icon name="attachment" size={14} /> {attachment.filename}
              </a>{" "}
              <span class="muted">{Math.max(1, Math.round(attachment.size / 1024))} KB</span>
            </li>
          ))}
        </ul>
      )}
      {email.html ? (
        <>
          {remoteImages && !showImages && (
            <p class="email-images-note">
              Images from the web are not shown, so the sender cannot tell you opened this email.{" "}
              <button type="button" class="btn btn-secondary" onClick={() => setShowImages(true)}>
                Show images
              </button>
            </p>
          )}
          <iframe
            class="email-frame"
            title={`Email: ${email.subject || "(no subject)"}`}
            sandbox="allow-popups allow-popups-to-escape-sandbox"
            referrerpolicy="no-referrer"
            srcdoc={frameDocument(email.html, showImages)}
          />
        </>
      ) : (
        <pre class="email-text">{email.text}</pre>
      )}
    </article>
  );
}

/** Where a feed's email opens: its tab, the email open in the reader (E4). */
export function emailPath(activity: Activity): string | null {
  const data = activity.data as Record<string, unknown>;
  if (activity.type !== "email" || typeof data.key !== "string" || !data.key) return null;
  const section =
    data.archived === true
      ? "archived"
      : data.colleague === true
        ? "colleagues"
        : activity.direction === "outbound"
          ? "sent"
          : "inbox";
  const query = new URLSearchParams(section === "inbox" ? { open: data.key } : { section, open: data.key });
  return `/center/email?${query.toString()}`;
}

/** An email in a record's feed: what the recipient did with it (what the rep sent), and a link to
 * read it whole (`onOpen`: a button that opens it where the feed is, instead of its tab). */
export function EmailFeedExtras({ activity, onOpen }: { activity: Activity; onOpen?: () => void }) {
  const data = activity.data as Record<string, unknown>;
  const opens = typeof data.opens === "number" ? data.opens : 0;
  const path = emailPath(activity);
  return (
    <p class="activity-email-extras">
      {activity.direction === "outbound" && (
        <span class="muted">{opens > 0 ? `Opened ${opens} ${opens === 1 ? "time" : "times"}` : "Not opened"}</span>
      )}
      {path &&
        (onOpen ? (
          <button type="button" class="btn btn-ghost btn-sm" onClick={onOpen}>
            Open email
          </button>
        ) : (
          <Link href={path}>Open email</Link>
        ))}
    </p>
  );
}
