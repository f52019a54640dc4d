/**
 * What can be done with conversations of a folder (I3), in one place: the buttons of the list's
 * bulk bar (on the selected rows, or all of a view) and of the conversation page (on the open
 * conversation) are this one component, so an action added here appears in both. Each button asks
 * `onAct` with the change (POST /api/folders/actions without its target: the caller names the
 * conversations); `ids` says which ones it is for (null: all of the view), for an action that
 * wants to look before it acts.
 */

import { useState } from "preact/hooks";
import type { FolderAction, FolderActionInput, FolderChange, FolderSource, FolderView } from "../../api/types";
import { Icon, type IconName } from "../../components/Icon";
import { AssignPicker } from "./Assignment";
import { DeleteForever } from "./DeleteForever";

/** An action's change, without the conversations it is for. */
export type FolderActionChange = Omit<FolderActionInput, "ids" | "all" | "folder" | "source">;

type ActionButton = { action: FolderAction; label: string; icon?: IconName };

/** The one-click actions offered in a view (or on a conversation in that folder), in order. */
export function actionsOf(view: FolderView): ActionButton[] {
  const read: ActionButton[] = [
    { action: "read", label: "Mark read" },
    { action: "unread", label: "Mark unread" },
  ];
  if (view === "trash") return [{ action: "inbox", label: "Move to Inbox", icon: "inbox" }];
  if (view === "spam") {
    return [
      { action: "not_spam", label: "Not spam", icon: "inbox" },
      { action: "trash", label: "Delete", icon: "trash" },
    ];
  }
  const first: ActionButton[] =
    view === "archived"
      ? [{ action: "inbox", label: "Move to Inbox", icon: "inbox" }]
      : [{ action: "archive", label: "Archive", icon: "archive" }];
  if (view === "follow_up") first.push({ action: "inbox", label: "Move to Inbox", icon: "inbox" });
  return [...first, { action: "trash", label: "Delete", icon: "trash" }, { action: "spam", label: "Mark spam", icon: "block" }, ...read];
}

export type FolderActionsProps = {
  /** The folder view acted in (the conversation page: the conversation's own folder). */
  view: FolderView;
  /** The conversations acted on: ids, or null for all of the view. */
  ids: string[] | null;
  busy: boolean;
  /** Resolves to the action's answer when the caller has it (Delete forever tells what went). */
  onAct: (change: FolderActionChange) => void | Promise<FolderChange | void>;
  /** The view's source, for an action on all of it that looks first (Delete forever). */
  source?: FolderSource | null;
  /** Actions not offered here (the open conversation is read by being open: no Mark read). */
  omit?: FolderAction[];
};

/** The buttons of every action offered in `view`, with the follow-up day picker. */
export function FolderActions({ view, ids, source, busy, onAct, omit }: FolderActionsProps) {
  const [picking, setPicking] = useState(false);
  const buttons = actionsOf(view).filter((item) => !omit?.includes(item.action));
  return (
    <>
      {buttons.map((item) => (
        <button
          key={item.action}
          type="button"
          class="btn btn-secondary btn-sm"
          data-action={item.action}
          disabled={busy}
          onClick={() => onAct({ action: item.action })}
        >
          {item.icon && <Icon name={item.icon} size={14} />} {item.label}
        </button>
      ))}
      {view !== "trash" && view !== "spam" && (
        <button
          type="button"
          class="btn btn-secondary btn-sm"
          aria-expanded={picking}
          disabled={busy}
          onClick={() => setPicking(!picking)}
        >
          <Icon name="clock" size={14} /> Follow up
        </button>
      )}
      {view === "trash" && <DeleteForever ids={ids} source={source ?? null} busy={busy} onAct={onAct} />}
      {view !== "trash" && view !== "spam" && (
        <AssignPicker busy={busy} onAssign={(to) => onAct({ action: "assign", to })} />
      )}
      {picking && (
        <FollowUpPicker
          busy={busy}
          onPick={(day) => {
            setPicking(false);
            onAct({ action: "follow_up", day });
          }}
        />
      )}
    </>
  );
}

const FOLLOW_UP_CHOICES: { label: string; days: (today: Date) => number }[] = [
  { label: "Tomorrow", days: () => 1 },
  { label: "In 3 days", days: () => 3 },
  // Next week: its Monday, as the reminders count it.
  { label: "Next week", days: (today) => 7 - ((today.getDay() + 6) % 7) },
];

function dayAfter(days: number): string {
  const date = new Date();
  date.setDate(date.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function FollowUpPicker({ busy, onPick }: { busy: boolean; onPick: (day: string) => void }) {
  const [date, setDate] = useState("");
  const today = new Date();
  return (
    <div class="chips folder-follow-up" role="group" aria-label="Follow up on">
      {FOLLOW_UP_CHOICES.map((choice) => (
        <button
          key={choice.label}
          type="button"
          class="chip-btn"
          disabled={busy}
          onClick={() => onPick(dayAfter(choice.days(today)))}
        >
          {choice.label}
        </button>
      ))}
      <input
        type="date"
        aria-label="Pick a date"
        min={dayAfter(0)}
        value={date}
        onInput={(event) => setDate((event.target as HTMLInputElement).value)}
      />
      <button type="button" class="btn btn-primary btn-sm" disabled={busy || !date} onClick={() => onPick(date)}>
        Set
      </button>
    </div>
  );
}
