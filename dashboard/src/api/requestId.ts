/** A client request id (32 hex digits, within the API's 8-64 of [A-Za-z0-9_-]): made once for
 * what the rep asks (a text, an email, a new quick reply) and sent again with every retry of it,
 * so that the server does it once. */
export function newRequestId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID().replaceAll("-", "");
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}
