/**
 * Ignoring an unmatched number (C3, S5): each rep ignores it in their own lists; an admin may
 * also ignore it for the whole team. An admin's "Stop ignoring" hears it again everywhere; a
 * rep cannot hear again what the team ignores (the API says so, and the row shows it).
 */

import { ignoreHandle } from "../api/endpoints";
import { Icon } from "../components/Icon";
import { useTeam } from "../team";

export type IgnoreScope = "own" | "team";

/** Ignores `handle` (in `scope`) or, `ignored` false, hears it again. */
export async function changeIgnoring(handle: string, ignored: boolean, scope: IgnoreScope, admin: boolean) {
  if (ignored) {
    await ignoreHandle(handle, true, scope === "team");
    return;
  }
  if (admin) await ignoreHandle(handle, false, true);
  await ignoreHandle(handle, false);
}

/** What the rep reads once it is done. */
export function ignoringNotice(shown: string, ignored: boolean, scope: IgnoreScope): string {
  if (!ignored) return `${shown} is back under Unmatched.`;
  return scope === "team" ? `${shown} is ignored for the whole team.` : `${shown} is ignored in your lists.`;
}

/** The Ignore button, and for admins "Ignore for the team" beside it. */
export function IgnoreButtons({ busy, onIgnore }: { busy: boolean; onIgnore: (scope: IgnoreScope) => void }) {
  const { me } = useTeam();
  return (
    <>
      <button type="button" class="btn btn-ghost btn-sm" disabled={busy} onClick={() => onIgnore("own")}>
        <Icon name="block" size={14} /> Ignore
      </button>
      {me.role === "admin" && (
        <button type="button" class="btn btn-ghost btn-sm" disabled={busy} onClick={() => onIgnore("team")}>
          <Icon name="block" size={14} /> Ignore for the team
        </button>
      )}
    </>
  );
}

/** What an unmatched number or address offers (S5): Add to CRM, Add to existing, and Ignore. The
 * SMS and calls rows and the conversation page show it; the dialogs are `UnmatchedDialogs`. */
export function UnmatchedButtons({
  busy,
  onAdd,
  onExisting,
  onIgnore,
}: {
  busy: boolean;
  onAdd: () => void;
  onExisting: () => void;
  onIgnore: (scope: IgnoreScope) => void;
}) {
  return (
    <>
      <button type="button" class="btn btn-secondary btn-sm" disabled={busy} onClick={onAdd}>
        <Icon name="plus" size={14} /> Add to CRM
      </button>
      <button type="button" class="btn btn-secondary btn-sm" disabled={busy} onClick={onExisting}>
        <Icon name="contact" size={14} /> Add to existing
      </button>
      <IgnoreButtons busy={busy} onIgnore={onIgnore} />
    </>
  );
}
