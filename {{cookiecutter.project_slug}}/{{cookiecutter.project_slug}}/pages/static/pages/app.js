// The account pages: one document whose pages are drawn here from the API's answers. Moving between them
// keeps the document (history.pushState), so that tokens held in memory (header transport) stay.

import { Api, ApiError } from "./api.js";
import { accountPage } from "./account.js";
import { el, schemaForm, visibleFields } from "./forms.js";
import { getPasskey, passkeysAvailable } from "./webauthn.js";

const config = JSON.parse(document.getElementById("pages-config").textContent);
const texts = config.texts;
const api = new Api(config);
const main = document.getElementById("main");
const status = document.getElementById("status");
// Kept across the provider's redirect only: the flow of a social sign-in, never a token.
const SOCIAL_FLOW_KEY = "pages.social-flow";

/** Say something to screen readers and on the page (the status region is polite). */
export function announce(message) {
  status.textContent = "";
  // A new text node after clearing makes the same message be announced again.
  window.setTimeout(() => {
    status.textContent = message;
  }, 50);
}

function pageLink(page, label) {
  return el("a", {
    href: config.paths[page],
    text: label,
    onclick: (event) => {
      if (event.metaKey || event.ctrlKey || event.shiftKey) return;
      event.preventDefault();
      navigate(page);
    },
  });
}

/** Start a page: its title and heading, the focus on the heading, the rest for `draw` to fill. */
function begin(page) {
  document.title = `${texts.titles[page]} · ${config.site}`;
  const heading = el("h1", { tabindex: "-1", text: texts.titles[page] });
  main.replaceChildren(heading);
  return heading;
}

function linkQuery() {
  const query = new URLSearchParams(location.search);
  const values = { uid: query.get("uid"), token: query.get("token") };
  // The link's token has done its job once read: keep it out of the history and the address bar.
  if (values.uid || values.token) history.replaceState(null, "", location.pathname);
  return values.uid && values.token ? values : null;
}

function paragraph(text) {
  return el("p", { text });
}

function notice(text) {
  return el("p", { class: "notice", role: "status", text });
}

// --- Sign-in ---------------------------------------------------------------------------------------------

function isSocial(scenario) {
  return scenario.key.startsWith("oidc-");
}

/** The form of one step of a flow: drawn from its schema, a passkey button when the answer offers one. */
function stepForm(scenario, schema, { flow, options, onAnswer }) {
  const container = el("div", { class: "step" });
  const submit = (data) => runStep(scenario, { ...data, ...(flow ? { flow } : {}) }, onAnswer);
  if (visibleFields(schema).length || !options) {
    container.append(schemaForm(schema, { submitLabel: texts.continue, onSubmit: submit, texts }));
  }
  if (options && passkeysAvailable()) {
    const button = el("button", {
      type: "button",
      class: visibleFields(schema).length ? "secondary" : null,
      text: texts.use_passkey,
      onclick: async () => {
        try {
          await submit({ credential: await getPasskey(options) });
        } catch (error) {
          announce(error instanceof ApiError ? error.message : texts.passkey_failed);
        }
      },
    });
    container.append(button);
  }
  return container;
}

async function runStep(scenario, body, onAnswer) {
  const answer = await api.call("POST", `login/${scenario.key}/`, body);
  await onAnswer(answer);
}

/** What a step's answer leads to: the next step's form, the provider's page, or the account page. */
async function followAnswer(scenario, answer, region) {
  if (answer.status === "complete") {
    api.keep(answer);
    navigate("account");
    return;
  }
  if (answer.authorization_url) {
    sessionStorage.setItem(SOCIAL_FLOW_KEY, JSON.stringify({ scenario: scenario.key, flow: answer.flow }));
    location.assign(answer.authorization_url);
    return;
  }
  const schema = answer.schema || {};
  const title = el("h2", { tabindex: "-1", text: texts.steps[answer.next_step] || schema.title || texts.continue });
  const form = stepForm(scenario, schema, {
    flow: answer.flow,
    options: answer.options,
    onAnswer: (next) => followAnswer(scenario, next, region),
  });
  region.replaceChildren(title, form);
  const input = form.querySelector("input");
  if (input) input.focus();
  else title.focus();
  // Straight to the passkey when the step has nothing to type (the passkey scenario's assertion); its
  // button stays, to try again.
  const passkeyButton = form.querySelector("button[type=button]");
  if (!input && passkeyButton) passkeyButton.click();
  if (answer.next_step === "verify") announce(texts.code_sent);
}

function scenarioForm(scenario, region) {
  const [first] = scenario.steps;
  const onAnswer = (answer) => followAnswer(scenario, answer, region);
  if (!visibleFields(first.schema).length) {
    // Nothing to fill in (a passkey): one button starts it.
    return el("button", {
      type: "button",
      text: scenario.key === "passkey" ? texts.sign_in_with_passkey : scenario.name,
      onclick: () => runStep(scenario, {}, onAnswer).catch((error) => announce(error.message)),
    });
  }
  return schemaForm(first.schema, {
    submitLabel: texts.continue,
    onSubmit: (data) => runStep(scenario, data, onAnswer),
    texts,
  });
}

async function signInPage() {
  begin("sign-in");
  if (await api.signedIn()) {
    navigate("account", { replace: true });
    return;
  }
  const { scenarios } = await api.call("GET", "options/");
  const region = el("div", { class: "flow", "aria-live": "polite" });
  const local = scenarios.filter((scenario) => !isSocial(scenario) && scenario.key !== "passkey");
  const choose = (scenario) => {
    region.replaceChildren(scenarioForm(scenario, region));
  };
  if (local.length > 1) {
    const legend = el("legend", { text: texts.how_to_sign_in });
    const fieldset = el("fieldset", { class: "choices" }, legend);
    local.forEach((scenario, index) => {
      const id = `scenario-${scenario.key}`;
      const radio = el("input", {
        type: "radio",
        name: "scenario",
        id,
        value: scenario.key,
        checked: index === 0,
        onchange: () => choose(scenario),
      });
      fieldset.append(el("div", { class: "choice" }, radio, el("label", { for: id, text: scenario.name })));
    });
    main.append(fieldset);
  }
  main.append(region);
  if (local.length) choose(local[0]);
  const others = scenarios.filter((scenario) => isSocial(scenario) || scenario.key === "passkey");
  const offered = others.filter((scenario) => scenario.key !== "passkey" || passkeysAvailable());
  if (offered.length) {
    const list = el("div", { class: "alternatives" }, el("h2", { text: texts.or }));
    for (const scenario of offered) {
      const button = isSocial(scenario)
        ? el("button", {
            type: "button",
            class: "secondary",
            text: texts.continue_with.replace("%(name)s", scenario.name),
            onclick: () =>
              runStep(scenario, { redirect_uri: new URL(config.paths["signed-in"], location.origin).href }, (answer) =>
                followAnswer(scenario, answer, region),
              ).catch((error) => announce(error.message)),
          })
        : scenarioForm(scenario, region);
      if (!isSocial(scenario)) button.classList.add("secondary");
      list.append(button);
    }
    main.append(list);
  }
  const links = el("ul", { class: "links" }, el("li", {}, pageLink("reset-password", texts.forgot_password)));
  if (api.serves("accounts:register")) links.append(el("li", {}, pageLink("sign-up", texts.create_account)));
  main.append(links);
}

async function signedInPage() {
  begin("signed-in");
  const saved = JSON.parse(sessionStorage.getItem(SOCIAL_FLOW_KEY) || "null");
  sessionStorage.removeItem(SOCIAL_FLOW_KEY);
  const query = new URLSearchParams(location.search);
  history.replaceState(null, "", location.pathname);
  const region = el("div", { class: "flow", "aria-live": "polite" });
  main.append(region);
  if (!saved || !query.get("code") || !query.get("state")) {
    region.append(notice(query.get("error_description") || texts.social_failed), pageLink("sign-in", texts.back_to_sign_in));
    return;
  }
  const scenario = { key: saved.scenario };
  try {
    await runStep(scenario, { flow: saved.flow, code: query.get("code"), state: query.get("state") }, (answer) =>
      followAnswer(scenario, answer, region),
    );
  } catch (error) {
    region.append(notice(error.message), pageLink("sign-in", texts.back_to_sign_in));
  }
}

// --- Sign-up and the emailed links ----------------------------------------------------------------------

function signUpSchema() {
  const field = (title, format, autocomplete) => ({ type: "string", title, format, "x-autocomplete": autocomplete });
  return {
    properties: {
      email: field(texts.fields.email, "email", "email"),
      password: field(texts.fields.new_password, "password", "new-password"),
      first_name: field(texts.fields.first_name, null, "given-name"),
      last_name: field(texts.fields.last_name, null, "family-name"),
    },
    required: ["email", "password"],
  };
}

function signUpPage() {
  begin("sign-up");
  const region = el("div");
  const form = schemaForm(signUpSchema(), {
    submitLabel: texts.create_account,
    texts,
    onSubmit: async (data) => {
      await api.call("POST", "register/", data);
      region.replaceChildren(notice(texts.check_inbox_activation));
      announce(texts.check_inbox_activation);
    },
  });
  region.append(form);
  main.append(region, el("p", {}, pageLink("sign-in", texts.have_account)));
}

function resendForm() {
  const schema = { properties: { email: { type: "string", title: texts.fields.email, format: "email", "x-autocomplete": "email" } }, required: ["email"] };
  const region = el("div");
  region.append(
    schemaForm(schema, {
      submitLabel: texts.resend_activation,
      texts,
      onSubmit: async (data) => {
        await api.call("POST", "register/resend/", data);
        region.replaceChildren(notice(texts.check_inbox_activation));
      },
    }),
  );
  return region;
}

async function activatePage() {
  begin("activate");
  const link = linkQuery();
  try {
    if (!link) throw new ApiError(400, null);
    await api.call("POST", "register/activate/", link);
    main.append(notice(texts.activated), el("p", {}, pageLink("sign-in", texts.sign_in)));
    announce(texts.activated);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    main.append(notice(error.errors.length ? error.message : texts.link_invalid));
    if (api.serves("accounts:register-resend")) main.append(resendForm());
  }
}

function resetPasswordPage() {
  begin("reset-password");
  const link = linkQuery();
  const region = el("div");
  main.append(region);
  if (!link) {
    region.append(paragraph(texts.reset_intro));
    const schema = { properties: { email: { type: "string", title: texts.fields.email, format: "email", "x-autocomplete": "email" } }, required: ["email"] };
    region.append(
      schemaForm(schema, {
        submitLabel: texts.send_reset_link,
        texts,
        onSubmit: async (data) => {
          await api.call("POST", "password/reset/", data);
          region.replaceChildren(notice(texts.check_inbox_reset));
          announce(texts.check_inbox_reset);
        },
      }),
    );
  } else {
    const schema = {
      properties: { password: { type: "string", title: texts.fields.new_password, format: "password", "x-autocomplete": "new-password" } },
      required: ["password"],
    };
    region.append(
      schemaForm(schema, {
        submitLabel: texts.set_password,
        texts,
        onSubmit: async (data) => {
          try {
            await api.call("POST", "password/reset/confirm/", { ...link, ...data });
          } catch (error) {
            // A bad link is the link's fault, not the password's: say so above the form.
            if (error.code === "password_reset_link_invalid") error.errors = error.errors.map((e) => ({ ...e, attr: null }));
            throw error;
          }
          region.replaceChildren(notice(texts.password_set), el("p", {}, pageLink("sign-in", texts.sign_in)));
          announce(texts.password_set);
        },
      }),
    );
  }
  main.append(el("p", {}, pageLink("sign-in", texts.back_to_sign_in)));
}

async function confirmEmailPage() {
  begin("confirm-email");
  const link = linkQuery();
  try {
    if (!link) throw new ApiError(400, null);
    await api.call("POST", "email/change/confirm/", link);
    main.append(notice(texts.email_changed), el("p", {}, pageLink("sign-in", texts.sign_in)));
    announce(texts.email_changed);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    main.append(notice(error.errors.length ? error.message : texts.link_invalid));
  }
}

// --- Routing ---------------------------------------------------------------------------------------------

const PAGES = {
  "sign-in": signInPage,
  "sign-up": signUpPage,
  "signed-in": signedInPage,
  activate: activatePage,
  "reset-password": resetPasswordPage,
  "confirm-email": confirmEmailPage,
  account: () => accountPage({ api, texts, main, begin, announce, navigate, pageLink }),
};

function pageAt(pathname) {
  return Object.keys(config.paths).find((page) => config.paths[page] === pathname) || "sign-in";
}

export async function navigate(page, { replace = false } = {}) {
  const url = config.paths[page];
  if (location.pathname !== url) history[replace ? "replaceState" : "pushState"](null, "", url);
  await show(page);
}

/** Draw `page`; after a move within the document, the focus goes to its heading, as a page load's would start there. */
async function show(page, { moved = true } = {}) {
  try {
    await PAGES[page]();
  } catch (error) {
    main.append(notice(error instanceof ApiError ? error.message : texts.failed));
    throw error;
  }
  const heading = main.querySelector("h1");
  if (moved && heading && !main.contains(document.activeElement)) heading.focus();
}

api.onSessionEnded = () => {
  if (pageAt(location.pathname) === "account") navigate("sign-in", { replace: true });
};
window.addEventListener("popstate", () => show(pageAt(location.pathname)));
show(config.page, { moved: false });
