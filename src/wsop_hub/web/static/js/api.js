// The authenticated HTTP client every view uses. Errors carry the hub's own `detail`, so a
// toast can say exactly what was refused and why.

import { authHeaders } from "./session.js";

export class ApiError extends Error {
  constructor(status, detail, path, retryAfterS = null) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.path = path;
    this.retryAfterS = retryAfterS;
  }

  /** The route itself does not exist on this hub (FastAPI's bare 404), not a missing row. */
  get notAvailable() {
    return this.status === 404 && this.detail === "Not Found";
  }
}

/** FastAPI's `detail`: a string, or a list of validation errors naming the field. */
async function detailOf(response) {
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return text.trim().slice(0, 300) || `${response.status} ${response.statusText}`;
  }
  const detail = body?.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((e) => {
        const where = Array.isArray(e.loc) ? e.loc.filter((p) => p !== "body").join(".") : "";
        return where ? `${where}: ${e.msg}` : String(e.msg);
      })
      .join("; ");
  }
  return `${response.status} ${response.statusText}`;
}

function buildUrl(path, query) {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value === undefined || value === null || value === "") continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      url.searchParams.append(key, String(item));
    }
  }
  return url;
}

export class Api {
  /**
   * @param credentials what session.js stores
   * @param onUnauthorized called on any 401 (the app returns to the login form); null for
   *   the login probe, whose 401 is simply a wrong password
   */
  constructor(credentials, onUnauthorized = null) {
    this.credentials = credentials;
    this.onUnauthorized = onUnauthorized;
  }

  async fetch(method, path, { query, body, signal, accept = "application/json" } = {}) {
    const headers = { ...authHeaders(this.credentials), Accept: accept };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(buildUrl(path, query), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        cache: "no-store",
        credentials: "omit",
      });
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new ApiError(0, "the hub is not reachable", path);
    }
    if (response.ok) return response;
    const detail = await detailOf(response);
    const retryAfter = Number(response.headers.get("Retry-After")) || null;
    if (response.status === 401 && this.onUnauthorized) this.onUnauthorized(detail);
    throw new ApiError(response.status, detail, path, retryAfter);
  }

  async request(method, path, options = {}) {
    const response = await this.fetch(method, path, options);
    if (response.status === 204) return null;
    return response.json();
  }

  get(path, query, options = {}) {
    return this.request("GET", path, { ...options, query });
  }

  post(path, body = {}, options = {}) {
    return this.request("POST", path, { ...options, body });
  }

  patch(path, body, options = {}) {
    return this.request("PATCH", path, { ...options, body });
  }

  /** A file (render output, preview) as a Blob: `<img>`/`<video>` cannot send our headers. */
  async blob(path, query, options = {}) {
    const response = await this.fetch("GET", path, { ...options, query, accept: "*/*" });
    return response.blob();
  }
}
