/** Runtime configuration, read from `/config.json` at startup so one build serves every stage. */

export type DevAuth = { mode: "dev" };
export type CognitoAuth = {
  mode: "cognito";
  region: string;
  userPoolId: string;
  clientId: string;
  domain: string;
};
export type AppConfig = { apiBaseUrl: string; auth: DevAuth | CognitoAuth };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function parseAuth(raw: unknown): DevAuth | CognitoAuth {
  if (!isRecord(raw) || raw.mode === "dev") return { mode: "dev" };
  if (raw.mode !== "cognito") throw new Error(`unknown auth mode ${String(raw.mode)}`);
  const fields = ["region", "userPoolId", "clientId", "domain"] as const;
  for (const field of fields) {
    if (typeof raw[field] !== "string" || !raw[field]) throw new Error(`auth.${field} is missing`);
  }
  return {
    mode: "cognito",
    region: raw.region as string,
    userPoolId: raw.userPoolId as string,
    clientId: raw.clientId as string,
    domain: raw.domain as string,
  };
}

export async function loadConfig(): Promise<AppConfig> {
  const response = await fetch("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  const raw: unknown = await response.json();
  if (!isRecord(raw)) throw new Error("/config.json is not an object");
  const apiBaseUrl = typeof raw.apiBaseUrl === "string" ? raw.apiBaseUrl.replace(/\/+$/, "") : "";
  return { apiBaseUrl, auth: parseAuth(raw.auth) };
}
