/**
 * How the signed-in rep's mailbox sync goes: the last successful sync, the messages synced, a
 * first sync's progress, and the current error in the poll's plain words with what to do about
 * it ("Retry now"; the password to fix, or the account to connect again).
 */

import { useState } from "preact/hooks";
import { describeError } from "../api/client";
import { retryMailbox } from "../api/endpoints";
import type { MailboxView, SyncHealth } from "../api/types";
import { Icon } from "../components/Icon";
import { RelativeTime, formatDateTime, relativeTime } from "../components/Time";

const count = new Intl.NumberFormat();

/** When the poll tries again: a moment to come, or its next run. */
function nextTry(health: SyncHealth): string {
  const at = health.retry_at ? new Date(health.retry_at) : null;
  if (!at || Number.isNaN(at.getTime()) || at.getTime() <= Date.now()) return "at the next sync, within a minute";
  return relativeTime(at);
}

/** What the rep can do about the error, in words. */
function remedy(health: SyncHealth): string | null {
  if (health.error_kind === "reconnect") return "Connect the account again to resume the sync.";
  if (health.error_kind === "login") return "Check the user name and password below, then save them.";
  if (health.error_kind === "tls") return "Check the servers' names and security below.";
  if (health.error_kind === "dns" || health.error_kind === "connect") {
    return "Check the servers' names and ports below.";
  }
  return null;
}

type Props = {
  health: SyncHealth;
  onChange: (view: MailboxView) => void;
  /** "Reconnect" for a grant that was revoked or expired (absent: not offered). */
  onReconnect?: () => void;
};

export function MailboxHealth({ health, onChange, onReconnect }: Props) {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const first = health.first_sync;
  const syncing = first && !first.finished_at;

  const retry = async () => {
    setBusy(true);
    setNotice(null);
    try {
      onChange(await retryMailbox());
      setNotice("The next sync, within a minute, tries your mailbox again.");
    } catch (exc) {
      setNotice(describeError(exc));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="mailbox-health" aria-labelledby="mailbox-health-title">
      <h3 id="mailbox-health-title">Sync</h3>
      <dl class="mailbox-facts">
        <div>
          <dt>Last successful sync</dt>
          <dd data-testid="mailbox-last-sync">
            {health.last_success_at ? (
              <RelativeTime iso={health.last_success_at} />
            ) : syncing ? (
              "Not yet: the first sync is under way"
            ) : (
              "Not yet: it starts within a minute"
            )}
          </dd>
        </div>
        <div>
          <dt>Messages synced</dt>
          <dd data-testid="mailbox-messages">{count.format(health.messages_synced)}</dd>
        </div>
      </dl>
      {first && syncing && (
        <div class="mailbox-progress">
          <label for="mailbox-first-sync">First sync</label>
          <progress id="mailbox-first-sync" max={Math.max(first.total, 1)} value={first.done} />
          <span class="muted">
            {count.format(first.done)} of {count.format(first.total)} messages
          </span>
        </div>
      )}
      {health.error && (
        <div class="mailbox-error" role="alert">
          <Icon name="alert" size={18} />
          <div>
            <p class="mailbox-error-words">{health.error}</p>
            <p class="muted">
              {health.error_since && <>Since {formatDateTime(health.error_since)}. </>}
              Next try {nextTry(health)}. {remedy(health)}
            </p>
          </div>
        </div>
      )}
      {(health.error || health.retry_at) && (
        <div class="mailbox-health-actions">
          {health.error_kind === "reconnect" && onReconnect && (
            <button type="button" class="btn btn-primary" onClick={onReconnect}>
              Reconnect
            </button>
          )}
          <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => void retry()}>
            <Icon name="refresh" size={16} /> {busy ? "Asking…" : "Retry now"}
          </button>
        </div>
      )}
      <p class="settings-saved mailbox-notice" role="status">
        {notice}
      </p>
    </section>
  );
}
