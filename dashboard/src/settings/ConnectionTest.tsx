/**
 * "Test connection": the mailbox form tried as it is, before it is saved. Each step (the
 * incoming server, its Sent folder, the outgoing server) says in plain words what worked, or what
 * failed and what to check.
 */

import type { ConnectionReport, ConnectionStep } from "../api/types";
import { Icon } from "../components/Icon";

const STEP_NAMES: Record<ConnectionStep["step"], string> = {
  imap: "Incoming mail (IMAP)",
  sent_folder: "Sent folder",
  smtp: "Outgoing mail (SMTP)",
};

type Props = {
  busy: boolean;
  /** The last test's answer, null before one (or once the form changed since). */
  report: ConnectionReport | null;
  onTest: () => void;
};

export function ConnectionTest({ busy, report, onTest }: Props) {
  return (
    <div class="connection-test">
      <div class="connection-test-action">
        <button type="button" class="btn btn-secondary" disabled={busy} onClick={onTest}>
          {busy ? "Testing…" : "Test connection"}
        </button>
        <p class="muted" role="status">
          {busy
            ? "Signing in to your servers…"
            : report === null
              ? "Try these settings before saving them."
              : report.ok
                ? "Everything works."
                : "Something does not work yet: see below."}
        </p>
      </div>
      {report && !busy && (
        <ul class="connection-steps" aria-label="Connection test">
          {report.steps.map((step) => (
            <li key={step.step} class={step.ok ? "connection-step ok" : "connection-step failed"}>
              <Icon name={step.ok ? "check" : "alert"} size={18} />
              <div>
                <strong>
                  {STEP_NAMES[step.step]}: {step.ok ? "works" : "failed"}
                </strong>
                <p>{step.message}</p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
