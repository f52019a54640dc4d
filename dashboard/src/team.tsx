/** The signed-in rep and the team's reps, loaded once by the shell and read by any page. */

import { createContext, type ComponentChildren } from "preact";
import { useContext } from "preact/hooks";
import type { Rep } from "./api/types";

export type Team = { me: Rep; reps: Map<string, Rep> };

const TeamContext = createContext<Team | null>(null);

export function TeamProvider({ team, children }: { team: Team; children: ComponentChildren }) {
  return <TeamContext.Provider value={team}>{children}</TeamContext.Provider>;
}

export function useTeam(): Team {
  const team = useContext(TeamContext);
  if (!team) throw new Error("useTeam outside TeamProvider");
  return team;
}

export function repName(team: Team, repId: string | null | undefined): string {
  if (!repId) return "—";
  return team.reps.get(repId)?.name ?? (repId === team.me.id ? team.me.name : "Former teammate");
}
