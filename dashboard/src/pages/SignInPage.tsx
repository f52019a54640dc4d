/** Sign-in: paste a dev token locally, or go through Cognito's Hosted UI in AWS. */

import { useEffect, useState } from "preact/hooks";
import { getMe } from "../api/endpoints";
import { ApiError, describeError } from "../api/client";
import { signInWithProvider, takeNotice, type SignInNotice } from "../auth/auth";
import { clearToken, getToken, setToken, takeNext } from "../auth/session";
import { Icon } from "../components/Icon";
import type { AppConfig } from "../config";
import { navigate } from "../router";

const NOTICES: Record<SignInNotice, string> = {
  expired: "Your session has ended. Please sign in again.",
  "signed-out": "You are signed out.",
};

export function SignInPage({ config }: { config: AppConfig }) {
  const [notice] = useState(takeNotice);
  const [token, setTokenText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // Already signed in (e.g. Back after signing in): go on.
  useEffect(() => {
    if (getToken()) navigate(takeNext(), { replace: true });
  }, []);

  const submitDevToken = async (event: Event) => {
    event.preventDefault();
    const value = token.trim().replace(/^Bearer\s+/i, "");
    if (!value) {
      setError("Paste the token printed by the command above.");
      return;
    }
    setBusy(true);
    setError(null);
    setToken(value);
    try {
      await getMe();
      navigate(takeNext(), { replace: true });
    } catch (exc) {
      clearToken();
      // A rejected token is not an ended session: drop the notice the 401 handler left.
      takeNotice();
      setError(
        exc instanceof ApiError && exc.status === 401
          ? "This token was not accepted: it may have expired or belong to another local stack."
          : describeError(exc),
      );
      setBusy(false);
    }
  };

  return (
    <div class="signin">
      <div class="signin-card">
        <div class="signin-brand">
          <span class="brand-mark brand-mark-lg" aria-hidden="true">
            <Icon name="center" size={24} />
          </span>
          <h1>Sign in to Commcenter</h1>
          <p class="muted">Calls, SMS and email with every lead and contact, in one place.</p>
        </div>
        {notice && (
          <p class="notice" role="status">
            {NOTICES[notice]}
          </p>
        )}
        {config.auth.mode === "dev" ? (
          <form onSubmit={submitDevToken} noValidate>
            <div class="field">
              <label for="dev-token">Dev token</label>
              <textarea
                id="dev-token"
                rows={4}
                class={error ? "input invalid" : "input"}
                value={token}
                placeholder="eyJhbGciOiJIUzI1NiIs…"
                spellcheck={false}
                aria-invalid={error ? "true" : undefined}
                aria-describedby={error ? "dev-token-hint dev-token-error" : "dev-token-hint"}
                onInput={(event) => setTokenText((event.target as HTMLTextAreaElement).value)}
              />
              <p id="dev-token-hint" class="hint">
                Run <code>commcenter token you@example.com</code> and paste what it prints.
              </p>
              {error && (
                <p id="dev-token-error" class="field-error" role="alert">
                  {error}
                </p>
              )}
            </div>
            <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
              {busy ? "Signing in…" : "Sign in"}
            </button>
          </form>
        ) : (
          <button
            type="button"
            class="btn btn-primary btn-block"
            onClick={() => void signInWithProvider(config)}
          >
            Sign in with your company account
          </button>
        )}
      </div>
    </div>
  );
}
