// The pages' client of the API: JSON in and out, through the public endpoints only.
//
// With cookie transport the tokens are HttpOnly cookies the script never sees, and every unsafe request
// sends the CSRF token of `csrf/`. With header transport the tokens live in this object only (never in
// localStorage, sessionStorage or a cookie a script could read), so they go with the tab; the access
// token is renewed shortly before it expires.

// Renew this many seconds before the access token expires.
const RENEW_MARGIN_SECONDS = 30;

/** An error answer of the API: its status and its `errors` ({code, detail, attr}). */
export class ApiError extends Error {
  constructor(status, body) {
    const errors = (body && Array.isArray(body.errors) && body.errors) || [];
    super(errors.map((error) => error.detail).join(" ") || `HTTP ${status}`);
    this.status = status;
    this.errors = errors;
    this.code = errors.length ? errors[0].code : null;
  }
}

/** Seconds until a JWT's `exp`, read from its payload (no verification: the server does that). */
function secondsLeft(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(payload)).exp - Date.now() / 1000;
  } catch {
    return 0;
  }
}

export class Api {
  constructor(config) {
    this.root = config.api;
    this.cookies = config.cookies;
    this.served = new Set(config.endpoints);
    this.access = null;
    this.refresh = null;
    this.csrf = null;
    this.timer = null;
    // Called when the session is gone (a refresh refused): the pages go back to sign-in.
    this.onSessionEnded = () => {};
  }

  /** Whether the server routes the endpoint of this URL name (GATEHOUSE["ENABLED_ENDPOINTS"]). */
  serves(name) {
    return this.served.has(name);
  }

  async csrfToken(fresh = false) {
    if (fresh || !this.csrf) {
      const response = await fetch(`${this.root}csrf/`, { credentials: "same-origin" });
      this.csrf = (await response.json()).csrf;
    }
    return this.csrf;
  }

  async send(method, path, body, { freshCsrf = false } = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (this.cookies && method !== "GET") headers["X-CSRFToken"] = await this.csrfToken(freshCsrf);
    if (!this.cookies && this.access) headers.Authorization = `Bearer ${this.access}`;
    const response = await fetch(`${this.root}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    const text = await response.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: response.status, body: parsed };
  }

  /** One call: its JSON body, or an ApiError. An expired access token is renewed and the call sent again. */
  async call(method, path, body) {
    let answer = await this.send(method, path, body);
    const code = answer.body && answer.body.errors && answer.body.errors[0] && answer.body.errors[0].code;
    if (answer.status === 403 && code === "csrf_failed") {
      answer = await this.send(method, path, body, { freshCsrf: true });
    } else if (answer.status === 401 && code === "token_not_valid" && path !== "token/refresh/") {
      if (await this.renew()) answer = await this.send(method, path, body);
    }
    if (answer.status >= 400) throw new ApiError(answer.status, answer.body);
    return answer.body;
  }

  /** Keep what a completed login, a reauthentication or a refresh answered, and plan the next renewal. */
  keep(body) {
    if (!this.cookies) {
      this.access = body.access;
      if (body.refresh) this.refresh = body.refresh;
    }
    const seconds = body.expires_in || (this.access ? secondsLeft(this.access) : 0);
    clearTimeout(this.timer);
    if (seconds > 0) {
      this.timer = setTimeout(() => this.renew(), Math.max(5, seconds - RENEW_MARGIN_SECONDS) * 1000);
    }
  }

  /** Renew the access token with the refresh token; false when the session has ended. */
  async renew() {
    if (!this.cookies && !this.refresh) return false;
    const answer = await this.send("POST", "token/refresh/", this.cookies ? undefined : { refresh: this.refresh });
    if (answer.status !== 200) {
      this.forget();
      this.onSessionEnded();
      return false;
    }
    this.keep(answer.body);
    return true;
  }

  forget() {
    clearTimeout(this.timer);
    this.access = null;
    this.refresh = null;
  }

  /** Whether this tab holds a session: with cookies, only the server knows. */
  async signedIn() {
    if (!this.cookies && !this.access) return false;
    const answer = await this.send("GET", "me/");
    if (answer.status === 200) return true;
    if (answer.status === 401 && (await this.renew())) return true;
    return false;
  }

  async signOut() {
    try {
      await this.send("POST", "logout/", this.cookies ? undefined : { refresh: this.refresh });
    } finally {
      this.forget();
    }
  }
}
