/** The signed-in rep and the team's reps, loaded once by the shell and read by any page. */

import { createContext, type ComponentChildren } from "preact";
import { useContext } from "preact/hooks";
import type { CrmRecord, Rep, TeamRep } from "./api/types";

export type Team = { me: Rep; reps: Map<string, TeamRep> };

const TeamContext = createContext<Team | null>(null);
const ignoreMe = (_me: Rep) => undefined;
const MeChangeContext = createContext<(me: Rep) => void>(ignoreMe);

type ProviderProps = { team: Team; onMeChange?: (me: Rep) => void; children: ComponentChildren };

export function TeamProvider({ team, onMeChange, children }: ProviderProps) {
  return (
    <MeChangeContext.Provider value={onMeChange ?? ignoreMe}>
      <TeamContext.Provider value={team}>{children}</TeamContext.Provider>
    </MeChangeContext.Provider>
  );
}

/** Tells the whole app that the signed-in rep changed (their settings saved): the phone, say, follows. */
export function useMeChange(): (me: Rep) => void {
  return useContext(MeChangeContext);
}

export function useTeam(): Team {
  const team = useContext(TeamContext);
  if (!team) throw new Error("useTeam outside TeamProvider");
  return team;
}

export function isAdmin(team: Team): boolean {
  return team.me.role === "admin";
}

/** Every rep edits the team's records; only the owner or an admin gives one to another rep or deletes it. */
export function mayReassignOrDelete(team: Team, record: CrmRecord): boolean {
  return isAdmin(team) || (record.owner_id !== "" && record.owner_id === team.me.id);
}

export function repName(team: Team, repId: string | null | undefined): string {
  if (!repId) return "—";
  return team.reps.get(repId)?.name ?? (repId === team.me.id ? team.me.name : "Former teammate");
}
