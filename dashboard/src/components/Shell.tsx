/** The signed-in frame: header (product, search, rep, sign out), navigation, and the page. */

import { createContext, type ComponentChildren } from "preact";
import { useCallback, useContext, useEffect, useMemo, useState } from "preact/hooks";
import { getMe, listReps } from "../api/endpoints";
import type { Rep } from "../api/types";
import { signOut } from "../auth/auth";
import type { AppConfig } from "../config";
import { useAsync } from "../hooks";
import { PhoneButton, PhonePanel } from "../phone/PhonePanel";
import { PhoneProvider } from "../phone/PhoneProvider";
import { Link } from "../router";
import { TeamProvider, type Team } from "../team";
import { Avatar } from "./Avatar";
import { ErrorState } from "./Feedback";
import { Icon } from "./Icon";
import { MenuButton, Nav, type Section } from "./Nav";
import { SearchBox } from "./SearchBox";
import { Toasts } from "./Toast";

const SectionContext = createContext<(section: Section | null) => void>(() => undefined);

/** Lets a page whose section is known only after loading (a record) highlight the navigation. */
export function useNavSection(section: Section | null): void {
  const set = useContext(SectionContext);
  useEffect(() => {
    set(section);
    return () => set(null);
  }, [section, set]);
}

async function loadTeam(): Promise<Team> {
  const [me, reps] = await Promise.all([getMe(), listReps()]);
  return { me, reps: new Map(reps.items.map((rep) => [rep.id, rep])) };
}

/** Who is signed in: shown in the top bar on a desktop, at the menu's foot on a phone. */
function SignedInRep({ rep, class: className, testId }: { rep: Rep; class: string; testId?: string }) {
  return (
    <div class={className} data-testid={testId}>
      <Avatar name={rep.name} size="sm" />
      <div class="me-text">
        <span class="me-name">{rep.name}</span>
        <span class="me-email">{rep.email}</span>
      </div>
    </div>
  );
}

function SignOutButton({ config, class: className }: { config: AppConfig; class: string }) {
  return (
    <button type="button" class={className} onClick={() => signOut(config)}>
      <Icon name="signOut" size={16} />
      <span>Sign out</span>
    </button>
  );
}

type ShellProps = { config: AppConfig; active: Section | null; children: ComponentChildren };

export function Shell({ config, active, children }: ShellProps) {
  const team = useAsync(() => loadTeam(), []);
  const [pageSection, setPageSection] = useState<Section | null>(null);
  // The rep as a page last saved them (their call settings), over the one loaded at start.
  const [changedMe, setChangedMe] = useState<Rep | null>(null);
  const loaded = team.data;
  const current = useMemo(() => {
    if (!loaded || !changedMe || changedMe.id !== loaded.me.id) return loaded;
    return { me: changedMe, reps: new Map(loaded.reps).set(changedMe.id, changedMe) };
  }, [loaded, changedMe]);
  const changeMe = useCallback((rep: Rep) => setChangedMe(rep), []);
  const [menuOpen, setMenuOpen] = useState(false);
  const closeMenu = useCallback(() => setMenuOpen(false), []);
  const me = current?.me;
  return (
    <PhoneProvider>
      <div class="app">
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="topbar">
          <MenuButton open={menuOpen} onToggle={() => setMenuOpen(!menuOpen)} />
          <Link href="/center/email" class="brand" aria-label="Commcenter home">
            <span class="brand-mark" aria-hidden="true">
              <Icon name="center" size={18} />
            </span>
            <span class="brand-name">Commcenter</span>
          </Link>
          <SearchBox />
          <div class="topbar-user">
            {me && <PhoneButton />}
            {me && <SignedInRep rep={me} class="me" testId="signed-in-rep" />}
            <SignOutButton config={config} class="btn btn-ghost btn-sm topbar-sign-out" />
          </div>
        </header>
        <Nav active={active ?? pageSection} admin={me?.role === "admin"} open={menuOpen} onClose={closeMenu}>
          {me && <SignedInRep rep={me} class="nav-me" />}
          <SignOutButton config={config} class="btn btn-ghost" />
        </Nav>
        <main id="main" class="main" tabIndex={-1}>
          {team.error && !team.loading && <ErrorState message={team.error} onRetry={team.reload} />}
          {current && (
            <TeamProvider team={current} onMeChange={changeMe}>
              <SectionContext.Provider value={setPageSection}>{children}</SectionContext.Provider>
            </TeamProvider>
          )}
          {team.loading && !team.data && <div class="page-loading" aria-busy="true" />}
        </main>
        {current && (
          <TeamProvider team={current}>
            <PhonePanel />
          </TeamProvider>
        )}
        <Toasts />
      </div>
    </PhoneProvider>
  );
}
