/** Sign-in and sign-out for both modes; the pages call these, not the mode modules. */

import type { AppConfig } from "../config";
import { navigate, currentPath } from "../router";
import { cognitoSignOut, completeCognitoSignIn, startCognitoSignIn } from "./cognito";
import { clearToken, getToken, rememberNext, takeNext, takeTokenFromHash } from "./session";

const NOTICE_KEY = "commcenter.notice";

export type SignInNotice = "expired" | "signed-out";

export function takeNotice(): SignInNotice | null {
  const notice = sessionStorage.getItem(NOTICE_KEY) as SignInNotice | null;
  sessionStorage.removeItem(NOTICE_KEY);
  return notice;
}

/** Called before the first render: picks up a token from the URL (dev) or a Cognito callback. */
export async function bootstrapAuth(config: AppConfig): Promise<void> {
  if (config.auth.mode === "dev") {
    takeTokenFromHash();
    // A `#token=` link opened in a tab where the app already runs changes only the hash.
    window.addEventListener("hashchange", () => {
      if (takeTokenFromHash() && window.location.pathname === "/sign-in")
        navigate(takeNext(), { replace: true });
    });
    return;
  }
  if (await completeCognitoSignIn(config.auth)) {
    window.history.replaceState(null, "", takeNext());
  }
}

/** The API said 401: the token is missing, expired or forged. Back to sign-in, then back here. */
export function handleUnauthorized(): void {
  if (getToken()) sessionStorage.setItem(NOTICE_KEY, "expired");
  clearToken();
  rememberNext(currentPath());
  navigate("/sign-in", { replace: true });
}

export async function signInWithProvider(config: AppConfig): Promise<void> {
  if (config.auth.mode === "cognito") await startCognitoSignIn(config.auth);
}

export function signOut(config: AppConfig): void {
  clearToken();
  if (config.auth.mode === "cognito") {
    cognitoSignOut(config.auth);
    return;
  }
  sessionStorage.setItem(NOTICE_KEY, "signed-out");
  navigate("/sign-in", { replace: true });
}
