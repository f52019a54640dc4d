/**
 * "Connect Google" / "Connect Microsoft": the rep is sent to the provider's sign-in page, which
 * sends them back to OAUTH_RETURN_PATH with a code and the state (or an error); the Settings page
 * hands those to the API once, and leaves that address at once, so that a reload or Back never
 * offers the same code again.
 */

import { finishMailboxOAuth, startMailboxOAuth } from "../api/endpoints";
import type { AuthKind, MailboxView, OAuthProvider } from "../api/types";
import { navigate } from "../router";

export const OAUTH_RETURN_PATH = "/settings/mailbox/connected";

export const PROVIDER_NAMES: Record<OAuthProvider, string> = { google: "Google", microsoft: "Microsoft" };

export function isOAuthProvider(auth: AuthKind | undefined): auth is OAuthProvider {
  return auth === "google" || auth === "microsoft";
}

/** Sends the browser to the provider's sign-in page. */
export async function connectAccount(provider: OAuthProvider): Promise<void> {
  const started = await startMailboxOAuth(provider, window.location.origin + OAUTH_RETURN_PATH);
  window.location.assign(started.authorize_url);
}

/** What the provider's return made of the mailbox: the view to show, and a sentence about it. */
export type AccountReturn = { view: MailboxView | null; message: string; ok: boolean };

/**
 * When the page is the provider's return: the connection finished (or why not), the address
 * left for /settings. Null on any other page.
 */
export async function finishAccountReturn(): Promise<AccountReturn | null> {
  if (window.location.pathname !== OAUTH_RETURN_PATH) return null;
  const query = new URLSearchParams(window.location.search);
  navigate("/settings", { replace: true });
  const state = query.get("state");
  const code = query.get("code");
  if (!state || !code) {
    const error = query.get("error");
    const message =
      error === "access_denied"
        ? "The sign-in was cancelled: nothing was connected."
        : `The sign-in did not finish${error ? ` (${error})` : ""}: nothing was connected. Please try again.`;
    return { view: null, message, ok: false };
  }
  const view = await finishMailboxOAuth(state, code);
  const mailbox = view.mailbox;
  const name = mailbox && isOAuthProvider(mailbox.auth) ? PROVIDER_NAMES[mailbox.auth] : "your account";
  return {
    view,
    ok: true,
    message: `Connected with ${name} as ${mailbox?.address ?? "your account"}. The first sync starts within a minute.`,
  };
}
