// Forms drawn from a JSON Schema (a login step's, or one the pages write for an account endpoint), and the
// API's errors shown beside the field their `attr` names.

let formCount = 0;

/** An element with attributes (`text` sets its text, `on<event>` a listener) and children. */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") element.textContent = value;
    else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  element.append(...children.filter((child) => child !== null && child !== undefined));
  return element;
}

// The input type for a property's `format`; anything else is text.
const INPUT_TYPES = { email: "email", password: "password", uri: "url" };

/** The fields a person fills in: string properties, without the flow token, which the pages send. */
export function visibleFields(schema) {
  return Object.entries((schema && schema.properties) || {}).filter(
    ([name, property]) => name !== "flow" && property.type === "string",
  );
}

/**
 * A <form> with one labelled input per string property of `schema`, a place for each field's error and one
 * for the form's, and a submit button. `onSubmit(values)` runs on submit; what it throws as an ApiError is
 * shown on the form.
 */
export function schemaForm(schema, { submitLabel, onSubmit, values = {}, texts }) {
  formCount += 1;
  const prefix = `form-${formCount}`;
  const alert = el("div", { class: "form-error", role: "alert", id: `${prefix}-error`, hidden: true });
  const form = el("form", { novalidate: true, "aria-describedby": `${prefix}-error` }, alert);
  const required = new Set((schema && schema.required) || []);
  for (const [name, property] of visibleFields(schema)) {
    const id = `${prefix}-${name}`;
    const describedBy = [];
    const field = el("div", { class: "field" });
    field.append(el("label", { for: id, text: property.title || name }));
    if (property.description) {
      field.append(el("p", { class: "hint", id: `${id}-hint`, text: property.description }));
      describedBy.push(`${id}-hint`);
    }
    const input = el("input", {
      id,
      name,
      type: INPUT_TYPES[property.format] || "text",
      autocomplete: property["x-autocomplete"] || "off",
      inputmode: property["x-inputmode"],
      required: required.has(name),
      minlength: property.minLength,
      maxlength: property.maxLength,
      "aria-describedby": describedBy.join(" ") || null,
      spellcheck: property.format === "email" ? "false" : null,
      autocapitalize: property.format === "email" ? "none" : null,
    });
    if (values[name] !== undefined) input.value = values[name];
    field.append(input, el("p", { class: "field-error", id: `${id}-error`, hidden: true }));
    form.append(field);
  }
  const button = el("button", { type: "submit", text: submitLabel });
  form.append(button);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const missing = [...form.querySelectorAll("input[required]")].filter((input) => !input.value.trim());
    if (missing.length) {
      showErrors(
        form,
        missing.map((input) => ({ attr: input.name, detail: texts.required })),
        texts,
      );
      return;
    }
    const data = Object.fromEntries(
      [...form.querySelectorAll("input[name]")].map((input) => [input.name, input.value]),
    );
    button.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      await onSubmit(data);
    } catch (error) {
      if (!error.errors) throw error;
      showErrors(form, error.errors.length ? error.errors : [{ detail: texts.failed }], texts);
    } finally {
      button.disabled = false;
      form.removeAttribute("aria-busy");
    }
  });
  return form;
}

export function clearErrors(form) {
  for (const error of form.querySelectorAll(".field-error")) {
    error.hidden = true;
    error.textContent = "";
  }
  for (const input of form.querySelectorAll("input[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
    input.setAttribute(
      "aria-describedby",
      (input.getAttribute("aria-describedby") || "").replace(`${input.id}-error`, "").trim(),
    );
    if (!input.getAttribute("aria-describedby")) input.removeAttribute("aria-describedby");
  }
  const alert = form.querySelector(".form-error");
  alert.hidden = true;
  alert.textContent = "";
}

/**
 * Each error beside the field its `attr` names (else at the top of the form); the form's alert region
 * announces them all, and the first field in error takes the focus.
 */
export function showErrors(form, errors, texts) {
  const alert = form.querySelector(".form-error");
  const general = [];
  let first = null;
  for (const error of errors) {
    const input = error.attr ? form.querySelector(`input[name="${CSS.escape(error.attr)}"]`) : null;
    if (!input) {
      general.push(error.detail);
      continue;
    }
    const message = form.querySelector(`#${CSS.escape(input.id)}-error`);
    message.textContent = message.textContent ? `${message.textContent} ${error.detail}` : error.detail;
    message.hidden = false;
    input.setAttribute("aria-invalid", "true");
    const describedBy = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (!describedBy.includes(message.id)) input.setAttribute("aria-describedby", [...describedBy, message.id].join(" "));
    first = first || input;
  }
  const summary = general.length ? general : [texts.fix];
  alert.textContent = summary.join(" ");
  alert.hidden = false;
  if (first) {
    first.focus();
  } else {
    alert.setAttribute("tabindex", "-1");
    alert.focus();
  }
}
