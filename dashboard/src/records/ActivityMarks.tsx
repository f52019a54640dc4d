/**
 * Star (A1) and thread (A2) toggles of one activity of a record's feed: pressed buttons, saved at
 * once, undone on failure. The feed shows them on each item; the email reader on the email it
 * reads (which it knows by its key, and marks through its record's feed).
 */

import { useState } from "preact/hooks";
import { describeError } from "../api/client";
import { MAIN_THREAD, type MarkedActivity, updateActivity } from "../api/endpoints";
import type { Activity } from "../api/types";
import { Icon } from "../components/Icon";

type Props = {
  recordId: string;
  activity: MarkedActivity;
  /** How the buttons name it: "Star Email", "Email in thread". */
  noun: string;
  onUpdated: (activity: Activity) => void;
};

export function ActivityMarks({ recordId, activity, noun, onUpdated }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inThread = activity.thread_id === MAIN_THREAD;
  const toggle = async (patch: { starred?: boolean; in_thread?: boolean }) => {
    setBusy(true);
    setError(null);
    try {
      onUpdated(await updateActivity(recordId, activity, patch));
    } catch (exc) {
      setError(describeError(exc));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="activity-marks">
      <button
        type="button"
        class={activity.starred ? "icon-btn mark starred" : "icon-btn mark"}
        aria-label={`Star ${noun}`}
        aria-pressed={activity.starred}
        title={activity.starred ? "Starred: click to unstar" : "Star"}
        disabled={busy}
        onClick={() => void toggle({ starred: !activity.starred })}
      >
        <Icon name="star" size={16} />
      </button>
      <button
        type="button"
        class={inThread ? "icon-btn mark in-thread" : "icon-btn mark"}
        aria-label={`${noun} in thread`}
        aria-pressed={inThread}
        title={inThread ? "In the thread: click to take it out (it stays in the feed)" : "Add to the thread"}
        disabled={busy}
        onClick={() => void toggle({ in_thread: !inThread })}
      >
        <Icon name="thread" size={16} />
      </button>
      {error && (
        <p class="field-error mark-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
