/**
 * Assignment (I3): giving conversations to another rep of the team, and the note of who gave
 * one. `AssignPicker` is the "Assign" button of the folder actions (the bulk bar's and the
 * conversation page's, through FolderActions): it opens the team's reps, the signed-in rep left
 * out (they view the conversations already), and picking one asks for `{action: "assign", to}`.
 * `assignedNote` words the note a folder row and the conversation page show.
 */

import { useState } from "preact/hooks";
import type { FolderRow, TeamRep } from "../../api/types";
import { Icon } from "../../components/Icon";
import { relativeTime } from "../../components/Time";
import { repName, useTeam, type Team } from "../../team";

/** The reps a conversation can be given to: the team's, but the signed-in rep, by name. */
export function assignees(team: Team): TeamRep[] {
  return [...team.reps.values()].filter((rep) => rep.id !== team.me.id).sort((a, b) => a.name.localeCompare(b.name));
}

type PickerProps = { busy: boolean; onAssign: (repId: string) => void };

export function AssignPicker({ busy, onAssign }: PickerProps) {
  const team = useTeam();
  const [open, setOpen] = useState(false);
  const reps = assignees(team);
  return (
    <>
      <button
        type="button"
        class="btn btn-secondary btn-sm"
        aria-expanded={open}
        disabled={busy || reps.length === 0}
        onClick={() => setOpen(!open)}
      >
        <Icon name="contact" size={14} /> Assign
      </button>
      {open && (
        <div class="chips folder-assign" role="group" aria-label="Assign to">
          {reps.map((rep) => (
            <button
              key={rep.id}
              type="button"
              class="chip-btn"
              disabled={busy}
              onClick={() => {
                setOpen(false);
                onAssign(rep.id);
              }}
            >
              {rep.name}
            </button>
          ))}
        </div>
      )}
    </>
  );
}

type Assigned = Pick<FolderRow, "owner_id" | "assigned_by" | "assigned_at">;

/**
 * Who gave the conversation to whom, and when: "Assigned to you by Alice Martin, 2 hours ago"
 * (`short`: "Assigned by Alice Martin", a row's); null when nobody assigned it.
 */
export function assignedNote(team: Team, row: Assigned, short = false): string | null {
  if (!row.assigned_by) return null;
  const by = row.assigned_by === team.me.id ? "you" : repName(team, row.assigned_by);
  if (short) return `Assigned by ${by}`;
  const to = row.owner_id === team.me.id ? "you" : repName(team, row.owner_id);
  const at = row.assigned_at ? new Date(row.assigned_at) : null;
  const when = at && !Number.isNaN(at.getTime()) ? `, ${relativeTime(at)}` : "";
  return `Assigned to ${to} by ${by}${when}`;
}
