/**
 * An SMS's details, folded under its text: Twilio's MessageSid (what `commcenter simulate sms
 * --status ... --sid` and Twilio's console name a message by), selectable and copyable, and the
 * numbers and segments it went with. Shared by the center's thread and the record's feed.
 */

import { useRef, useState } from "preact/hooks";
import type { Activity } from "../../api/types";
import { formatPhone } from "../../format";
import { smsData } from "./delivery";

export function SmsDetails({ message }: { message: Activity }) {
  const data = smsData(message);
  const sid = message.external_id;
  const segments = data.segments === 1 ? "1 segment" : `${data.segments} segments`;
  return (
    <details class="message-details">
      <summary>Details</summary>
      <dl>
        <div>
          <dt>Message ID</dt>
          <dd>{sid ? <CopyableId value={sid} label="Copy message ID" /> : <span class="muted">none yet</span>}</dd>
        </div>
        <div>
          <dt>From</dt>
          <dd>{formatPhone(data.from) || "—"}</dd>
        </div>
        <div>
          <dt>To</dt>
          <dd>{formatPhone(data.to) || "—"}</dd>
        </div>
        {data.segments > 0 && (
          <div>
            <dt>Size</dt>
            <dd>
              {segments} · {data.encoding}
            </dd>
          </div>
        )}
      </dl>
    </details>
  );
}

/** An id shown whole (a click selects all of it) with a button that copies it. */
function CopyableId({ value, label }: { value: string; label: string }) {
  const code = useRef<HTMLElement>(null);
  const [note, setNote] = useState("");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setNote("Copied");
    } catch {
      // No clipboard here (an insecure origin, a refused permission): select it for Ctrl+C.
      const selection = window.getSelection();
      if (code.current && selection) selection.selectAllChildren(code.current);
      setNote("Selected: press Ctrl+C to copy");
    }
  };
  return (
    <span class="copyable">
      <code ref={code}>{value}</code>
      <button type="button" class="btn btn-ghost btn-sm" aria-label={label} onClick={() => void copy()}>
        Copy
      </button>
      <span role="status" class="copy-note">
        {note}
      </span>
    </span>
  );
}
