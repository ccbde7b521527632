// The account page: profile, password, email, sessions, second factors, linked identities, deletion.
// A sensitive action that the API answers with `reauthentication_required` asks for the password (or a
// second factor) in a dialog, then runs again.

import { ApiError } from "./api.js";
import { el, schemaForm } from "./forms.js";
import { createPasskey, getPasskey, passkeysAvailable } from "./webauthn.js";

function field(title, format, autocomplete, extra = {}) {
  return { type: "string", title, format, "x-autocomplete": autocomplete, ...extra };
}

function when(timestamp, texts) {
  return timestamp ? new Date(timestamp).toLocaleString(document.documentElement.lang) : texts.never;
}

export async function accountPage({ api, texts, main, begin, announce, navigate }) {
  begin("account");
  if (!(await api.signedIn())) {
    navigate("sign-in", { replace: true });
    return;
  }
  const hasFactors = api.serves("mfa:mfa");

  /** Ask for the password (or a code, or a passkey) in a modal dialog; resolves once `reauthenticate/` accepted it. */
  function reauthenticate() {
    return new Promise((resolve, reject) => {
      const properties = { password: field(texts.fields.current_password, "password", "current-password") };
      if (hasFactors) {
        properties.code = field(texts.fields.code_instead, null, "one-time-code", { "x-inputmode": "numeric" });
      }
      const dialog = el("dialog", { "aria-labelledby": "reauthenticate-title" });
      const form = schemaForm(
        { properties, required: [] },
        {
          submitLabel: texts.confirm,
          texts,
          onSubmit: async ({ password, code }) => {
            const answer = await api.call("POST", "reauthenticate/", code ? { code } : { password });
            api.keep(answer);
            dialog.close();
            resolve();
          },
        },
      );
      const cancel = el("button", {
        type: "button",
        class: "secondary",
        text: texts.cancel,
        onclick: () => dialog.close(),
      });
      // A passkey answers instead, to the challenge of `mfa/passkeys/reauthenticate/options/`; its refusal is
      // shown in the dialog, since the page behind a modal dialog is out of reach.
      const passkeyError = el("div", { class: "form-error", role: "alert", hidden: true });
      const passkey =
        api.serves("mfa:mfa-passkey-reauthentication-options") && passkeysAvailable()
          ? el("button", {
              type: "button",
              class: "secondary",
              text: texts.use_passkey,
              onclick: async () => {
                try {
                  const options = await api.call("POST", "mfa/passkeys/reauthenticate/options/");
                  const answer = await api.call("POST", "reauthenticate/", { credential: await getPasskey(options) });
                  api.keep(answer);
                  dialog.close();
                  resolve();
                } catch (error) {
                  passkeyError.textContent = error instanceof ApiError ? error.message : texts.passkey_failed;
                  passkeyError.hidden = false;
                }
              },
            })
          : null;
      dialog.addEventListener("close", () => {
        dialog.remove();
        reject(new ApiError(401, { errors: [{ code: "reauthentication_cancelled", detail: texts.cancelled, attr: null }] }));
      });
      dialog.append(
        el("h2", { id: "reauthenticate-title", text: texts.reauthenticate }),
        el("p", { text: texts.reauthenticate_intro }),
        form,
        ...(passkey ? [passkey, passkeyError] : []),
        cancel,
      );
      document.body.append(dialog);
      dialog.showModal();
    });
  }

  /** Run `action`; when the API wants a recent sign-in, ask for it and run `action` once more. */
  async function sensitive(action) {
    try {
      return await action();
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== "reauthentication_required") throw error;
      await reauthenticate();
      return action();
    }
  }

  function section(id, title) {
    const heading = el("h2", { id: `${id}-title`, text: title });
    const body = el("div", { class: "section-body" });
    main.append(el("section", { class: "card", id, "aria-labelledby": `${id}-title` }, heading, body));
    return body;
  }

  // Errors of a button's action are announced, and shown in the section.
  function button(label, action, { danger = false, secondary = false } = {}) {
    return el("button", {
      type: "button",
      class: danger ? "danger" : secondary ? "secondary" : null,
      text: label,
      onclick: async (event) => {
        const target = event.currentTarget;
        target.disabled = true;
        try {
          await action();
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          if (error.code !== "reauthentication_cancelled") announce(error.message);
        } finally {
          target.disabled = false;
        }
      },
    });
  }

  // --- Profile and sign-out -------------------------------------------------------------------------------
  const me = await api.call("GET", "me/");
  main.append(
    el("p", { class: "signed-in-as" }, texts.signed_in_as, " ", el("strong", { text: me.email })),
    button(texts.sign_out, async () => {
      await api.signOut();
      navigate("sign-in");
      announce(texts.signed_out);
    }, { secondary: true }),
  );

  const profile = section("profile", texts.profile);
  profile.append(
    schemaForm(
      {
        properties: {
          first_name: field(texts.fields.first_name, null, "given-name"),
          last_name: field(texts.fields.last_name, null, "family-name"),
        },
      },
      {
        submitLabel: texts.save,
        texts,
        values: { first_name: me.first_name, last_name: me.last_name },
        onSubmit: async (data) => {
          await api.call("PATCH", "me/", data);
          announce(texts.saved);
        },
      },
    ),
  );

  if (api.serves("accounts:password-change")) {
    const password = section("password", texts.change_password);
    password.append(
      schemaForm(
        {
          properties: {
            old_password: field(texts.fields.current_password, "password", "current-password"),
            new_password: field(texts.fields.new_password, "password", "new-password"),
          },
          required: ["old_password", "new_password"],
        },
        {
          submitLabel: texts.change_password,
          texts,
          onSubmit: async (data) => {
            await sensitive(() => api.call("POST", "password/change/", data));
            for (const input of password.querySelectorAll("input")) input.value = "";
            announce(texts.password_changed);
          },
        },
      ),
    );
  }

  if (api.serves("accounts:email-change")) {
    const email = section("email", texts.change_email);
    email.append(
      schemaForm(
        { properties: { new_email: field(texts.fields.new_email, "email", "email") }, required: ["new_email"] },
        {
          submitLabel: texts.change_email,
          texts,
          onSubmit: async (data) => {
            await sensitive(() => api.call("POST", "email/change/", data));
            announce(texts.check_inbox_email_change);
          },
        },
      ),
    );
  }

  // --- Sessions ---------------------------------------------------------------------------------------------
  const sessions = section("sessions", texts.sessions);
  async function drawSessions() {
    const { sessions: list } = await api.call("GET", "sessions/");
    const items = list.map((session) => {
      const description = `${session.user_agent || texts.unknown_device} · ${session.ip || ""}`;
      const item = el(
        "li",
        { class: "row" },
        el(
          "div",
          {},
          el("strong", { text: description }),
          el("br"),
          el("span", { class: "hint", text: `${texts.last_used} ${when(session.last_used_at, texts)}` }),
        ),
      );
      if (session.current) item.append(el("span", { class: "badge", text: texts.this_session }));
      else
        item.append(
          button(texts.sign_out, async () => {
            await sensitive(() => api.call("DELETE", `sessions/${session.id}/`));
            announce(texts.session_ended);
            await drawSessions();
          }, { secondary: true }),
        );
      return item;
    });
    sessions.replaceChildren(el("ul", { class: "rows" }, ...items));
  }
  await drawSessions();

  // --- Second factors -----------------------------------------------------------------------------------
  if (hasFactors) {
    const factors = section("factors", texts.second_factors);
    const showCodes = (codes) =>
      el(
        "div",
        { class: "codes", role: "group", "aria-labelledby": "codes-title" },
        el("h3", { id: "codes-title", text: texts.recovery_codes }),
        el("p", { text: texts.recovery_codes_intro }),
        el("ul", {}, ...codes.map((code) => el("li", {}, el("code", { text: code })))),
      );
    async function drawFactors(extra = null) {
      const summary = await api.call("GET", "mfa/");
      const totp = el("div", { class: "factor" }, el("h3", { text: texts.authenticator_app }));
      if (summary.totp.enabled) {
        totp.append(
          el("p", { text: texts.totp_on.replace("%(count)s", summary.recovery_codes.remaining) }),
          button(texts.new_recovery_codes, async () => {
            const { recovery_codes: codes } = await sensitive(() => api.call("POST", "mfa/recovery-codes/"));
            await drawFactors(showCodes(codes));
          }, { secondary: true }),
          button(texts.turn_off, async () => {
            await sensitive(() => api.call("POST", "mfa/totp/disable/"));
            announce(texts.totp_off);
            await drawFactors();
          }, { danger: true }),
        );
      } else {
        totp.append(
          el("p", { text: texts.totp_intro }),
          button(texts.set_up, async () => {
            const setup = await sensitive(() => api.call("POST", "mfa/totp/setup/"));
            const qr = el("img", {
              class: "qr",
              alt: texts.qr_alt,
              src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qr_svg)}`,
            });
            const confirm = schemaForm(
              {
                properties: {
                  code: field(texts.fields.totp_code, null, "one-time-code", { "x-inputmode": "numeric", minLength: 6, maxLength: 6 }),
                },
                required: ["code"],
              },
              {
                submitLabel: texts.turn_on,
                texts,
                onSubmit: async (data) => {
                  const { recovery_codes: codes } = await api.call("POST", "mfa/totp/confirm/", data);
                  announce(texts.totp_enabled);
                  await drawFactors(showCodes(codes));
                },
              },
            );
            totp.replaceChildren(
              el("h3", { text: texts.authenticator_app }),
              el("p", { text: texts.scan_qr }),
              qr,
              el("p", {}, texts.or_enter_key, " ", el("code", { class: "secret", text: setup.secret })),
              confirm,
            );
            confirm.querySelector("input").focus();
          }),
        );
      }
      const passkeys = el("div", { class: "factor" }, el("h3", { text: texts.passkeys }));
      const rows = summary.passkeys.map((passkey) =>
        el(
          "li",
          { class: "row" },
          el(
            "div",
            {},
            el("strong", { text: passkey.name }),
            el("br"),
            el("span", { class: "hint", text: `${texts.last_used} ${when(passkey.last_used_at, texts)}` }),
          ),
          button(texts.remove, async () => {
            await sensitive(() => api.call("DELETE", `mfa/passkeys/${passkey.id}/`));
            announce(texts.passkey_removed);
            await drawFactors();
          }, { danger: true }),
        ),
      );
      passkeys.append(rows.length ? el("ul", { class: "rows" }, ...rows) : el("p", { text: texts.no_passkeys }));
      if (passkeysAvailable()) {
        passkeys.append(
          schemaForm(
            { properties: { name: field(texts.fields.passkey_name, null, "off", { maxLength: 100 }) }, required: ["name"] },
            {
              submitLabel: texts.add_passkey,
              texts,
              onSubmit: async ({ name }) => {
                const options = await sensitive(() => api.call("POST", "mfa/passkeys/register/options/"));
                let credential;
                try {
                  credential = await createPasskey(options);
                } catch {
                  throw new ApiError(400, { errors: [{ code: "passkey_failed", detail: texts.passkey_failed, attr: null }] });
                }
                await api.call("POST", "mfa/passkeys/register/", { credential, name });
                announce(texts.passkey_added);
                await drawFactors();
              },
            },
          ),
        );
      }
      factors.replaceChildren(...(extra ? [extra] : []), totp, passkeys);
      if (extra) {
        extra.setAttribute("tabindex", "-1");
        extra.focus();
      }
    }
    await drawFactors();
  }

  // --- Linked identities ----------------------------------------------------------------------------------
  if (api.serves("social:identities")) {
    const identities = section("identities", texts.identities);
    async function drawIdentities() {
      const { identities: list } = await api.call("GET", "identities/");
      const rows = list.map((identity) =>
        el(
          "li",
          { class: "row" },
          el("div", {}, el("strong", { text: identity.provider_name }), el("br"), el("span", { class: "hint", text: identity.email || identity.subject })),
          button(texts.unlink, async () => {
            await sensitive(() => api.call("DELETE", `identities/${identity.id}/`));
            announce(texts.identity_unlinked);
            await drawIdentities();
          }, { danger: true }),
        ),
      );
      identities.replaceChildren(rows.length ? el("ul", { class: "rows" }, ...rows) : el("p", { text: texts.no_identities }));
    }
    await drawIdentities();
  }

  // --- Deletion -----------------------------------------------------------------------------------------
  if (api.serves("accounts:account-delete")) {
    const deletion = section("delete", texts.delete_account);
    deletion.append(
      el("p", { text: texts.delete_intro }),
      schemaForm(
        { properties: { password: field(texts.fields.current_password, "password", "current-password") }, required: ["password"] },
        {
          submitLabel: texts.delete_account,
          texts,
          onSubmit: async (data) => {
            await sensitive(() => api.call("POST", "me/delete/", data));
            api.forget();
            await navigate("sign-in");
            announce(texts.account_deleted);
          },
        },
      ),
    );
    deletion.querySelector("button[type=submit]").classList.add("danger");
  }
}
