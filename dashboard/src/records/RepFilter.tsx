/**
 * Whose activities a record's feed shows (A3): the whole team's (the stack serves one team, so
 * that is every rep's), the signed-in rep's, or one teammate's. Reps are grouped by their group
 * label when the team uses several.
 */

import type { TeamRep } from "../api/types";
import { useTeam } from "../team";

type Props = { value: string | null; onChange: (repId: string | null) => void };

export function RepFilter({ value, onChange }: Props) {
  const team = useTeam();
  const others = [...team.reps.values()]
    .filter((rep) => rep.id !== team.me.id)
    .sort((a, b) => a.name.localeCompare(b.name));
  const groups = new Map<string, TeamRep[]>();
  for (const rep of others) groups.set(rep.team, [...(groups.get(rep.team) ?? []), rep]);
  const option = (rep: TeamRep) => (
    <option key={rep.id} value={rep.id}>
      {rep.name}
    </option>
  );
  return (
    <label class="inline-field feed-rep-filter">
      <span>Rep</span>
      <select
        class="input input-sm"
        aria-label="Filter by rep"
        value={value ?? ""}
        onChange={(event) => onChange((event.target as HTMLSelectElement).value || null)}
      >
        <option value="">Whole team</option>
        <option value={team.me.id}>Me ({team.me.name})</option>
        {groups.size > 1
          ? [...groups].map(([group, reps]) => (
              <optgroup key={group} label={group}>
                {reps.map(option)}
              </optgroup>
            ))
          : others.map(option)}
      </select>
    </label>
  );
}
