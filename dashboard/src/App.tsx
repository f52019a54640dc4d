/** Top-level routing: the sign-in page, or the signed-in shell with one page inside. */

import { useEffect, useState } from "preact/hooks";
import { getToken, onTokenChange, rememberNext } from "./auth/session";
import type { AppConfig } from "./config";
import { Shell } from "./components/Shell";
import { SignInPage } from "./pages/SignInPage";
import { navigate, useLocation } from "./router";
import { routeFor } from "./routes";

function useToken(): string | null {
  const [token, setTokenState] = useState(getToken);
  useEffect(() => onTokenChange(() => setTokenState(getToken())), []);
  return token;
}

export function App({ config }: { config: AppConfig }) {
  const { path, pathname } = useLocation();
  const token = useToken();
  const signedIn = token !== null;
  const onSignIn = pathname === "/sign-in";

  useEffect(() => {
    if (!signedIn && !onSignIn) {
      rememberNext(path);
      navigate("/sign-in", { replace: true });
    }
  }, [signedIn, onSignIn, path]);

  if (onSignIn) return <SignInPage config={config} />;
  if (!signedIn) return null;
  const route = routeFor(pathname);
  return (
    <Shell config={config} active={route.section}>
      {route.render()}
    </Shell>
  );
}
