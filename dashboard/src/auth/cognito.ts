/**
 * Cognito Hosted UI, authorization-code flow with PKCE (no client secret in a browser app).
 * The callback comes back to the app's root with `?code=&state=`.
 */

import type { CognitoAuth } from "../config";
import { setToken } from "./session";

const PKCE_KEY = "commcenter.pkce";

function base64Url(bytes: Uint8Array): string {
  let binary = "";
  bytes.forEach((byte) => (binary += String.fromCharCode(byte)));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString(byteCount: number): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(byteCount)));
}

function domainUrl(config: CognitoAuth): string {
  const domain = config.domain.replace(/\/+$/, "");
  return domain.startsWith("https://") ? domain : `https://${domain}`;
}

function redirectUri(): string {
  return `${window.location.origin}/`;
}

export async function startCognitoSignIn(config: CognitoAuth): Promise<void> {
  const verifier = randomString(48);
  const state = randomString(16);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
  const params = new URLSearchParams({
    response_type: "code",
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    scope: "openid email profile",
    state,
    code_challenge_method: "S256",
    code_challenge: base64Url(new Uint8Array(digest)),
  });
  window.location.assign(`${domainUrl(config)}/oauth2/authorize?${params}`);
}

/** Finishes a sign-in when the URL carries `?code=&state=`; true when a token was obtained. */
export async function completeCognitoSignIn(config: CognitoAuth): Promise<boolean> {
  const query = new URLSearchParams(window.location.search);
  const code = query.get("code");
  const state = query.get("state");
  if (!code || !state) return false;
  const saved = sessionStorage.getItem(PKCE_KEY);
  sessionStorage.removeItem(PKCE_KEY);
  window.history.replaceState(null, "", window.location.pathname);
  const pkce = saved ? (JSON.parse(saved) as { verifier: string; state: string }) : null;
  if (!pkce || pkce.state !== state) throw new Error("The sign-in answer does not match this browser tab.");
  const response = await fetch(`${domainUrl(config)}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: config.clientId,
      code,
      redirect_uri: redirectUri(),
      code_verifier: pkce.verifier,
    }),
  });
  if (!response.ok) throw new Error(`Sign-in failed (${response.status}).`);
  const tokens = (await response.json()) as { id_token?: string };
  if (!tokens.id_token) throw new Error("Sign-in answered without an id token.");
  // API Gateway's Cognito authorizer accepts the id token; the API reads its claims.
  setToken(tokens.id_token);
  return true;
}

export function cognitoSignOut(config: CognitoAuth): void {
  const params = new URLSearchParams({ client_id: config.clientId, logout_uri: redirectUri() });
  window.location.assign(`${domainUrl(config)}/logout?${params}`);
}
