/**
 * "Delete forever" in Trash (I3), for the bulk bar and the conversation page alike (FolderActions
 * renders it in the Trash view). Its confirmation first asks the API what would go (POST
 * /api/folders/delete-forever/preview): it names how many conversations, and the customers whose
 * every conversation would be gone, each with a checkbox "Also delete the card of ..." (unticked:
 * a card goes only when the rep says so), disabled with the reason when the rep may not delete
 * the record. The action's answer says which cards went and which stayed, and how many
 * conversations a long deletion left in Trash for another go, in a toast: the bar that asked is
 * gone by then (the list loads again).
 */

import { useEffect, useState } from "preact/hooks";
import { describeError } from "../../api/client";
import { previewDeleteForever } from "../../api/endpoints";
import type { DeleteForeverPreview, FolderChange, FolderSource } from "../../api/types";
import { Dialog } from "../../components/Dialog";
import { Icon } from "../../components/Icon";
import { showToast } from "../../components/Toast";
import { sentence } from "../../records/fields";
import type { FolderActionChange } from "./FolderActions";

type Props = {
  /** The conversations: ids, or null for all of Trash (of `source`). */
  ids: string[] | null;
  source: FolderSource | null;
  busy: boolean;
  /** Asks the action; resolves to its answer (nothing when it failed: the caller says why). */
  onAct: (change: FolderActionChange) => void | Promise<FolderChange | void>;
};

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** What happened, in words, the cards named as the confirmation named them. */
export function deletedForever(change: FolderChange, preview: DeleteForeverPreview): string {
  const names = new Map(preview.records.map((card) => [card.id, card.display_name]));
  const parts = [`${plural(change.changed, "conversation")} deleted for good.`];
  const gone = (change.records_deleted ?? []).map((id) => names.get(id) ?? id);
  if (gone.length) parts.push(`The card of ${gone.join(", ")} went to the trash.`);
  for (const kept of change.records_kept ?? []) {
    parts.push(`The card of ${names.get(kept.id) ?? kept.id} stays: ${kept.message}.`);
  }
  const left = change.unfinished?.length ?? 0;
  if (left) parts.push(`${plural(left, "conversation")} not reached in time are still in Trash: delete them again.`);
  return parts.join(" ");
}

export function DeleteForever({ ids, source, busy, onAct }: Props) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        class="btn btn-danger btn-sm"
        data-action="delete_forever"
        disabled={busy}
        onClick={() => setOpen(true)}
      >
        <Icon name="trash" size={14} /> Delete forever
      </button>
      {open && <DeleteForeverDialog ids={ids} source={source} onAct={onAct} onClose={() => setOpen(false)} />}
    </>
  );
}

type DialogProps = Omit<Props, "busy"> & { onClose: () => void };

function DeleteForeverDialog({ ids, source, onAct, onClose }: DialogProps) {
  const [preview, setPreview] = useState<DeleteForeverPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    previewDeleteForever(ids ? { ids } : { all: true, source }).then(setPreview, (exc: unknown) =>
      setError(sentence(describeError(exc))),
    );
  }, []);

  const toggle = (id: string) => {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setChosen(next);
  };
  const confirm = async () => {
    if (!preview) return;
    setBusy(true);
    const change = await onAct({ action: "delete_forever", delete_records: [...chosen] });
    setBusy(false);
    if (change) showToast(deletedForever(change, preview));
    onClose();
  };
  // The cards that would be left without a conversation: offered; the others stay, said so.
  const lastOnes = preview?.records.filter((card) => card.other_conversations === 0) ?? [];
  const staying = preview?.records.filter((card) => card.other_conversations > 0) ?? [];

  return (
    <Dialog open title="Delete forever" onClose={onClose} size="sm">
      <div class="dialog-body delete-forever">
        {error ? (
          <p class="field-error" role="alert">
            {error}
          </p>
        ) : !preview ? (
          <p class="muted">Looking at what would go…</p>
        ) : (
          <>
            <p>
              Delete {plural(preview.conversations, "conversation")} for good? Their messages go with them, from
              the records too; this cannot be undone.
            </p>
            {lastOnes.map((card) => (
              <div key={card.id} class="delete-forever-card">
                <label class="checkbox">
                  <input
                    type="checkbox"
                    checked={chosen.has(card.id)}
                    disabled={!card.may_delete}
                    onChange={() => toggle(card.id)}
                  />
                  Also delete the card of {card.display_name} ({card.kind})
                </label>
                {!card.may_delete && card.reason && <p class="hint">It stays: {card.reason}.</p>}
              </div>
            ))}
            {staying.map((card) => (
              <p key={card.id} class="hint">
                The card of {card.display_name} stays: {plural(card.other_conversations, "other conversation")} with
                them remain.
              </p>
            ))}
          </>
        )}
      </div>
      <footer class="form-actions">
        <button type="button" class="btn btn-ghost" onClick={onClose} autoFocus>
          Cancel
        </button>
        <button type="button" class="btn btn-danger" onClick={() => void confirm()} disabled={busy || !preview}>
          {busy ? "Deleting…" : "Delete forever"}
        </button>
      </footer>
    </Dialog>
  );
}
