/**
 * The signed-in rep's mailbox (E1): the IMAP and SMTP servers it is reached by, picked from a
 * provider's preset or typed, the password (sent when typed, never shown again: the API says
 * only whether one is stored) or a Google or Microsoft account ("Connect Google"), the first
 * sync's window; Test connection before saving; its sync health; Disconnect.
 *
 * The form starts from what was loaded or saved; the health beside it is read again every half
 * minute, so a poll's result shows without a reload (the typing is never reset by it).
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, describeError } from "../api/client";
import { disconnectMailbox, getMailbox, saveMailbox, testMailbox } from "../api/endpoints";
import type {
  ConnectionReport,
  MailboxDetails,
  MailboxInput,
  MailboxView,
  OAuthProvider,
  ServerEndpoint,
  TlsMode,
} from "../api/types";
import { SectionSwitch } from "../center/SectionSwitch";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ErrorState, Spinner } from "../components/Feedback";
import { Icon } from "../components/Icon";
import { SelectField, TextField, sentence } from "../records/fields";
import { ConnectionTest } from "./ConnectionTest";
import { MailboxHealth } from "./MailboxHealth";
import {
  type AccountReturn,
  PROVIDER_NAMES,
  connectAccount,
  finishAccountReturn,
  isOAuthProvider,
} from "./mailboxAccounts";
import { SettingsActions } from "./SettingsActions";

/** How often the sync health is read again while the page is open. */
export const HEALTH_REFRESH_MS = 30_000;
const DEFAULT_FIRST_SYNC_DAYS = 90;

type Preset = "google" | "microsoft" | "other";
type Servers = { imap: ServerEndpoint; smtp: ServerEndpoint };

/** The providers' own servers (Google: Gmail and Workspace; Microsoft 365: Exchange Online). */
const PRESETS: Record<Exclude<Preset, "other">, Servers & { hint: string }> = {
  google: {
    imap: { host: "imap.gmail.com", port: 993, tls: "tls" },
    smtp: { host: "smtp.gmail.com", port: 465, tls: "tls" },
    hint:
      "Google asks for an app password here (your Google Account › Security › App passwords), not your usual one.",
  },
  microsoft: {
    imap: { host: "outlook.office365.com", port: 993, tls: "tls" },
    smtp: { host: "smtp.office365.com", port: 587, tls: "starttls" },
    hint: "Microsoft 365 accepts an app password only where your administrator allows it.",
  },
};

const PRESET_OPTIONS: { id: Preset; label: string }[] = [
  { id: "google", label: "Google" },
  { id: "microsoft", label: "Microsoft 365" },
  { id: "other", label: "Other (IMAP)" },
];

/** The usual port of each security mode: switching the mode moves a usual port along. */
const USUAL_PORTS: Record<"imap" | "smtp", Record<TlsMode, number>> = {
  imap: { tls: 993, starttls: 143 },
  smtp: { tls: 465, starttls: 587 },
};

const TLS_OPTIONS = [
  { value: "tls", label: "SSL/TLS" },
  { value: "starttls", label: "STARTTLS" },
];

const IDS: Record<string, string> = {
  address: "mailbox-address",
  username: "mailbox-username",
  password: "mailbox-password",
  "imap.host": "mailbox-imap-host",
  "imap.port": "mailbox-imap-port",
  "imap.tls": "mailbox-imap-tls",
  "smtp.host": "mailbox-smtp-host",
  "smtp.port": "mailbox-smtp-port",
  "smtp.tls": "mailbox-smtp-tls",
  first_sync_days: "mailbox-first-sync-days",
};

/** The form's values as typed (ports and days as text). */
type Draft = {
  address: string;
  username: string;
  /** Whether the user name was typed; until then it follows the address. */
  usernameTyped: boolean;
  password: string;
  imap: { host: string; port: string; tls: TlsMode };
  smtp: { host: string; port: string; tls: TlsMode };
  firstSyncDays: string;
};

function presetOf(mailbox: MailboxDetails | null): Preset {
  if (!mailbox) return "other";
  if (isOAuthProvider(mailbox.auth)) return mailbox.auth;
  for (const [name, preset] of Object.entries(PRESETS) as [Exclude<Preset, "other">, Servers][]) {
    if (mailbox.imap.host === preset.imap.host) return name;
  }
  return "other";
}

function endpointDraft(endpoint: ServerEndpoint) {
  return { host: endpoint.host, port: String(endpoint.port), tls: endpoint.tls ?? "tls" };
}

function draftOf(mailbox: MailboxDetails | null): Draft {
  return {
    address: mailbox?.address ?? "",
    username: mailbox?.username ?? "",
    usernameTyped: mailbox !== null && mailbox.username !== mailbox.address,
    password: "",
    imap: mailbox ? endpointDraft(mailbox.imap) : { host: "", port: "993", tls: "tls" },
    smtp: mailbox ? endpointDraft(mailbox.smtp) : { host: "", port: "587", tls: "starttls" },
    firstSyncDays: String(mailbox?.first_sync_days ?? DEFAULT_FIRST_SYNC_DAYS),
  };
}

/** The checks the browser can make itself (the API makes every other one). */
function localProblems(draft: Draft): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const server of ["imap", "smtp"] as const) {
    const port = draft[server].port.trim();
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
      problems[`${server}.port`] = "a port is a number from 1 to 65535";
    }
  }
  if (!/^\d{1,4}$/.test(draft.firstSyncDays.trim())) problems.first_sync_days = "a number of days, such as 90";
  return problems;
}

function inputOf(draft: Draft, version: number): MailboxInput {
  const endpoint = (server: Draft["imap"]): ServerEndpoint => ({
    host: server.host.trim(),
    port: Number(server.port.trim()),
    tls: server.tls,
  });
  return {
    address: draft.address.trim(),
    username: (draft.usernameTyped ? draft.username : draft.address).trim(),
    imap: endpoint(draft.imap),
    smtp: endpoint(draft.smtp),
    // Left out, the stored password is kept; typed, it replaces it.
    ...(draft.password ? { password: draft.password } : {}),
    first_sync_days: Number(draft.firstSyncDays.trim()),
    version,
  };
}

export function MailboxSettings() {
  // What the form starts from (a load, a save, a disconnection) and the freshest health.
  const [base, setBase] = useState<MailboxView | null>(null);
  const [health, setHealth] = useState<MailboxView["health"] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  // A new form for each load and disconnection; a save keeps the form, which takes what was saved.
  const [generation, setGeneration] = useState(0);
  // What coming back from Google's or Microsoft's sign-in did.
  const [returned, setReturned] = useState<AccountReturn | null>(null);

  const show = (view: MailboxView) => {
    setBase(view);
    setHealth(view.health);
  };
  const restart = (view: MailboxView) => {
    show(view);
    setGeneration((n) => n + 1);
  };

  useEffect(() => {
    const controller = new AbortController();
    setLoadError(null);
    const load = async (): Promise<MailboxView> => {
      // Back from a provider's sign-in (the first load only: the address is left at once).
      const account = await finishAccountReturn().catch(
        (exc: unknown): AccountReturn => ({ view: null, ok: false, message: describeError(exc) }),
      );
      if (account) setReturned(account);
      return account?.view ?? getMailbox(controller.signal);
    };
    load().then(restart, (exc: unknown) => {
      if (!controller.signal.aborted) setLoadError(describeError(exc));
    });
    return () => controller.abort();
  }, [attempt]);

  const connected = base?.connected ?? false;
  useEffect(() => {
    if (!connected) return;
    const timer = window.setInterval(() => {
      getMailbox().then(
        (view) => setHealth(view.health),
        () => undefined, // the next round tries again; the form stays as typed
      );
    }, HEALTH_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [connected]);

  if (loadError) return <ErrorState message={loadError} onRetry={() => setAttempt((n) => n + 1)} />;
  if (!base) return <Spinner label="Loading your mailbox…" />;
  const auth = base.mailbox?.auth;
  return (
    <div class="mailbox-settings">
      {returned && (
        <div class={returned.ok ? "mailbox-returned ok" : "form-error"} role={returned.ok ? "status" : "alert"}>
          <Icon name={returned.ok ? "check" : "alert"} size={18} />
          <span>{returned.message}</span>
        </div>
      )}
      {base.connected && health && (
        <MailboxHealth
          health={health}
          onChange={(view) => setHealth(view.health)}
          onReconnect={isOAuthProvider(auth) ? () => void connectAccount(auth) : undefined}
        />
      )}
      <MailboxForm
        key={generation}
        view={base}
        onSaved={show}
        onDisconnected={restart}
        onReload={() => setAttempt((n) => n + 1)}
      />
    </div>
  );
}

type FormProps = {
  view: MailboxView;
  onSaved: (view: MailboxView) => void;
  onDisconnected: (view: MailboxView) => void;
  onReload: () => void;
};

function MailboxForm({ view, onSaved, onDisconnected, onReload }: FormProps) {
  const stored = view.mailbox;
  const [draft, setDraft] = useState(() => draftOf(stored));
  const [preset, setPreset] = useState<Preset>(() => presetOf(stored));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [testing, setTesting] = useState(false);
  const [report, setReport] = useState<ConnectionReport | null>(null);
  const [confirming, setConfirming] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const change = (patch: Partial<Draft>) => {
    setDraft((previous) => ({ ...previous, ...patch }));
    setSaved(null);
    setReport(null); // a test of other settings says nothing of these
  };

  const changeServer = (server: "imap" | "smtp", patch: Partial<Draft["imap"]>) => {
    setDraft((previous) => {
      const current = previous[server];
      const next = { ...current, ...patch };
      // A usual port follows its security mode (993 <-> 143, 465 <-> 587); a typed one stays.
      if (patch.tls && patch.tls !== current.tls && current.port === String(USUAL_PORTS[server][current.tls])) {
        next.port = String(USUAL_PORTS[server][patch.tls]);
      }
      return { ...previous, [server]: next };
    });
    setSaved(null);
    setReport(null);
  };

  const choosePreset = (chosen: Preset) => {
    setPreset(chosen);
    if (chosen === "other") return; // the servers stay as they are, to be changed
    const { imap, smtp } = PRESETS[chosen];
    change({ imap: endpointDraft(imap), smtp: endpointDraft(smtp) });
  };

  const refuse = (fields: Record<string, string>, message: string) => {
    setErrors(fields);
    const unplaced = Object.entries(fields).filter(([key]) => !(key in IDS));
    setFormError(
      unplaced.length
        ? unplaced.map(([key, problem]) => `${key}: ${problem}`).join("; ")
        : `${sentence(message)}. Please correct the highlighted fields.`,
    );
    // The first refused field gets the focus, for keyboard and screen-reader users.
    window.setTimeout(() => form.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus(), 0);
  };

  /** The API's refusal of the form, at its fields (or above the form). */
  const refused = (exc: unknown) => {
    if (exc instanceof ApiError && exc.status === 400 && Object.keys(exc.fields).length) {
      refuse(exc.fields, exc.message.split(":")[0]);
    } else if (exc instanceof ApiError && exc.status === 409) {
      setErrors({});
      setStale(true);
      setFormError("Your mailbox settings were changed elsewhere (another tab or window) since you opened them.");
    } else {
      setErrors({});
      setFormError(describeError(exc));
    }
  };

  /** The checks the browser makes itself; false (the fields marked) when one fails. */
  const checked = (what: string) => {
    setFormError(null);
    setStale(false);
    setSaved(null);
    const problems = localProblems(draft);
    if (Object.keys(problems).length) refuse(problems, what);
    return Object.keys(problems).length === 0;
  };

  const test = async () => {
    setReport(null);
    if (!checked("the settings were not tested")) return;
    setTesting(true);
    try {
      setReport(await testMailbox(inputOf(draft, stored?.version ?? 0)));
      setErrors({});
    } catch (exc) {
      refused(exc);
    } finally {
      setTesting(false);
    }
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!checked("the mailbox settings were not saved")) return;
    setBusy(true);
    try {
      const result = await saveMailbox(inputOf(draft, stored?.version ?? 0));
      setErrors({});
      // The form goes on from what was saved: the hosts as the API keeps them, no password.
      setDraft(draftOf(result.mailbox));
      onSaved(result); // its new version, for the next save
      const days = result.mailbox?.first_sync_days ?? DEFAULT_FIRST_SYNC_DAYS;
      setSaved(
        stored
          ? "Saved. The next sync, within a minute, uses these settings."
          : `Connected. The first sync, starting within a minute, takes your mail of the last ${days} days.`,
      );
    } catch (exc) {
      refused(exc);
    } finally {
      setBusy(false);
    }
  };

  const connectWith = async (provider: OAuthProvider) => {
    setFormError(null);
    try {
      await connectAccount(provider); // the browser leaves for the provider's sign-in
    } catch (exc) {
      setFormError(describeError(exc));
    }
  };

  const disconnect = async () => {
    await disconnectMailbox();
    setConfirming(false);
    onDisconnected({ ...view, connected: false, mailbox: null, secret_stored: false });
  };

  const username = draft.usernameTyped ? draft.username : draft.address;
  const moved = (typed: string, kept: string) => typed.trim().toLowerCase().replace(/\.$/, "") !== kept;
  const movedServer =
    stored !== null && (moved(draft.imap.host, stored.imap.host) || moved(draft.smtp.host, stored.smtp.host));
  const account = stored && isOAuthProvider(stored.auth) ? stored.auth : null;
  const passwordHint = account
    ? `Connected with your ${PROVIDER_NAMES[account]} account: no password is needed. ` +
      "Type one only to sign in with a password instead."
    : !view.secret_stored
      ? "Your mailbox's password, or an app password. It is stored encrypted and never shown again."
      : movedServer
        ? "Type the password again for the new server: the stored one only goes to the server it was typed for."
        : "A password is stored. Leave this empty to keep it, or type a new one to replace it.";
  const offered = preset !== "other" && (view.connect_with ?? []).includes(preset) ? preset : null;
  const presetHint = preset === "other" ? null : PRESETS[preset].hint;

  return (
    <form
      ref={form}
      class="settings-form mailbox-form"
      aria-labelledby="settings-mailbox-title"
      onSubmit={submit}
      noValidate
    >
      {formError && (
        <div class="form-error" role="alert">
          <Icon name="alert" size={18} />
          <span>{formError}</span>
          {stale && (
            <button type="button" class="btn btn-ghost btn-sm" onClick={onReload}>
              Reload them
            </button>
          )}
        </div>
      )}
      <div class="field">
        <span class="field-label">Provider</span>
        <SectionSwitch label="Provider" options={PRESET_OPTIONS} value={preset} onChange={choosePreset} />
        {offered && (
          <div class="mailbox-account-connect">
            <button type="button" class="btn btn-primary" onClick={() => void connectWith(offered)}>
              {account === offered ? `Connect ${PROVIDER_NAMES[offered]} again` : `Connect ${PROVIDER_NAMES[offered]}`}
            </button>
            <p class="hint">Sign in with your {PROVIDER_NAMES[offered]} account: no password to type.</p>
          </div>
        )}
        {presetHint && <p class="hint">{offered ? `Or with a password: ${presetHint}` : presetHint}</p>}
      </div>
      {account && stored && (
        <p class="mailbox-account" data-testid="mailbox-account">
          <Icon name="check" size={16} /> Connected with {PROVIDER_NAMES[account]} as {stored.address}.
        </p>
      )}
      <TextField
        id={IDS.address}
        label="Email address"
        type="email"
        autocomplete="email"
        placeholder="you@example.com"
        value={draft.address}
        error={errors.address}
        hint="The address your mail is sent from."
        onInput={(address) => change({ address })}
      />
      <TextField
        id={IDS.username}
        label="User name"
        autocomplete="username"
        value={username}
        error={errors.username}
        hint="Usually the address itself."
        onInput={(typed) => change({ username: typed, usernameTyped: true })}
      />
      <TextField
        id={IDS.password}
        label="Password"
        type="password"
        autocomplete="new-password"
        placeholder={view.secret_stored ? "•••••••• (stored)" : ""}
        value={draft.password}
        error={errors.password}
        hint={passwordHint}
        onInput={(password) => change({ password })}
      />
      <ServerFields
        server="imap"
        legend="Incoming mail (IMAP)"
        value={draft.imap}
        errors={errors}
        onChange={changeServer}
      />
      <ServerFields
        server="smtp"
        legend="Outgoing mail (SMTP)"
        value={draft.smtp}
        errors={errors}
        onChange={changeServer}
      />
      <TextField
        id={IDS.first_sync_days}
        label="First sync: mail of the last … days"
        inputMode="numeric"
        value={draft.firstSyncDays}
        error={errors.first_sync_days}
        hint="The first sync takes the mail of this many days (1 to 3,650); everything after it is synced as it comes."
        onInput={(firstSyncDays) => change({ firstSyncDays })}
      />
      <ConnectionTest busy={testing} report={report} onTest={() => void test()} />
      <SettingsActions saveLabel={stored ? "Save mailbox" : "Connect mailbox"} busy={busy} saved={saved} />
      {stored && (
        <div class="mailbox-disconnect">
          <button type="button" class="btn btn-danger-ghost" onClick={() => setConfirming(true)}>
            Disconnect mailbox
          </button>
        </div>
      )}
      <ConfirmDialog
        open={confirming}
        title="Disconnect your mailbox?"
        confirmLabel="Disconnect"
        busyLabel="Disconnecting…"
        onClose={() => setConfirming(false)}
        onConfirm={disconnect}
      >
        <p>
          {stored?.address} is no longer synced, and its settings and password are removed. The mail already
          synced stays on your leads and contacts.
        </p>
      </ConfirmDialog>
    </form>
  );
}

type ServerProps = {
  server: "imap" | "smtp";
  legend: string;
  value: Draft["imap"];
  errors: Record<string, string>;
  onChange: (server: "imap" | "smtp", patch: Partial<Draft["imap"]>) => void;
};

function ServerFields({ server, legend, value, errors, onChange }: ServerProps) {
  return (
    <fieldset class="mailbox-server">
      <legend>{legend}</legend>
      <div class="mailbox-server-fields">
        <TextField
          id={IDS[`${server}.host`]}
          label="Server"
          placeholder={server === "imap" ? "imap.example.com" : "smtp.example.com"}
          value={value.host}
          error={errors[`${server}.host`]}
          onInput={(host) => onChange(server, { host })}
        />
        <TextField
          id={IDS[`${server}.port`]}
          label="Port"
          inputMode="numeric"
          value={value.port}
          error={errors[`${server}.port`]}
          onInput={(port) => onChange(server, { port })}
        />
        <SelectField
          id={IDS[`${server}.tls`]}
          label="Security"
          value={value.tls}
          options={TLS_OPTIONS}
          error={errors[`${server}.tls`]}
          onChange={(tls) => onChange(server, { tls: tls as TlsMode })}
        />
      </div>
    </fieldset>
  );
}
