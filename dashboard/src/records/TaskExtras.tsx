/**
 * A task in a record's feed: when it is due (highlighted once overdue), who completed it and
 * when, and Complete / Reopen, saved at once. A task a teammate completed meanwhile stays theirs:
 * the API answers it as it is, and the item says who completed it.
 */

import { useState } from "preact/hooks";
import { describeError } from "../api/client";
import { updateActivity } from "../api/endpoints";
import type { Activity, TaskData } from "../api/types";
import { Icon } from "../components/Icon";
import { formatDateTime, RelativeTime } from "../components/Time";
import { repName, useTeam } from "../team";

/** The task part of an activity's `data`, with safe defaults for what an older task lacks. */
export function taskData(activity: Activity): TaskData {
  const data = activity.data as Partial<TaskData>;
  return {
    channel: "task",
    due_at: typeof data.due_at === "string" ? data.due_at : null,
    done: data.done === true,
    call_sid: data.call_sid ?? null,
    done_at: typeof data.done_at === "string" ? data.done_at : null,
    done_by: typeof data.done_by === "string" ? data.done_by : null,
  };
}

export function isOverdue(task: TaskData, now: Date = new Date()): boolean {
  return !task.done && task.due_at !== null && new Date(task.due_at).getTime() < now.getTime();
}

type Props = { recordId: string; task: Activity; onUpdated: (activity: Activity) => void };

export function TaskExtras({ recordId, task, onUpdated }: Props) {
  const team = useTeam();
  const data = taskData(task);
  const overdue = isOverdue(data);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      onUpdated(await updateActivity(recordId, task, { done: !data.done }));
    } catch (exc) {
      setError(describeError(exc));
    } finally {
      setBusy(false);
    }
  };
  const verb = data.done ? "Reopen" : "Complete";
  return (
    <div class="task-extras">
      {data.due_at && (
        <span class={overdue ? "task-due overdue" : "task-due"}>
          <Icon name="calendar" size={13} />
          Due {formatDateTime(data.due_at)}
          {overdue && <span class="badge badge-danger">Overdue</span>}
        </span>
      )}
      {data.done && (
        <span class="task-completed">
          <Icon name="check" size={13} />
          Completed by {repName(team, data.done_by)}
          {data.done_at && (
            <>
              {" · "}
              <RelativeTime iso={data.done_at} />
            </>
          )}
        </span>
      )}
      <button
        type="button"
        class="btn btn-secondary btn-sm"
        aria-label={`${verb} task: ${task.summary}`}
        disabled={busy}
        onClick={() => void toggle()}
      >
        {data.done ? "Reopen" : (
          <>
            <Icon name="check" size={14} /> Complete
          </>
        )}
      </button>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
