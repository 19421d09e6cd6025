// The operator's credentials for this tab. sessionStorage, not localStorage: they are gone
// when the tab closes and no other tab or later visitor of the machine can read them.

const KEY = "wsop-hub.credentials";

/** {kind: "basic", username, password} or {kind: "api_key", key}, or null. */
export function loadCredentials() {
  let parsed;
  try {
    parsed = JSON.parse(sessionStorage.getItem(KEY) || "null");
  } catch {
    return null;
  }
  if (parsed?.kind === "basic" && typeof parsed.username === "string" && typeof parsed.password === "string") {
    return { kind: "basic", username: parsed.username, password: parsed.password };
  }
  if (parsed?.kind === "api_key" && typeof parsed.key === "string") {
    return { kind: "api_key", key: parsed.key };
  }
  return null;
}

export function saveCredentials(credentials) {
  sessionStorage.setItem(KEY, JSON.stringify(credentials));
}

export function clearCredentials() {
  sessionStorage.removeItem(KEY);
}

/** btoa() only takes Latin-1; user names and passwords may be any Unicode. */
function base64Utf8(text) {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The headers that authenticate a request with these credentials. */
export function authHeaders(credentials) {
  if (credentials.kind === "api_key") return { "X-API-Key": credentials.key };
  return { Authorization: `Basic ${base64Utf8(`${credentials.username}:${credentials.password}`)}` };
}
