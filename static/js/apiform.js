// The pages' one script: a form marked `data-api` becomes a call to /api/v1 with the signed-in session.
//
//   <form data-api="/api/v1/applications/7/accept/"   the endpoint (POST unless data-method says otherwise)
//         data-encoding="multipart"                   send FormData as is (files); JSON otherwise
//         data-refresh="#status #actions"             regions to reload from their data-fragment URL on success
//         data-redirect="/counter/applications/{id}/" or go here, {field} taken from the JSON answer
//         data-focus="#next-field"                    where the hand goes next
//         data-success="Accepted.">                   said in the polite live region
//
// Field names may be paths: `applicant.name`, `items[0].material`, `tags[]`. `data-type="int"` sends a number,
// `data-type="bool"` a checkbox's true/false, `data-optional` leaves an empty value out. A row container
// `[data-row]` with a `[data-row-toggle]` checkbox sends its other fields only while the box is ticked.
//
// One Idempotency-Key per rendered form, kept until the API answers 2xx: a retry after a lost answer, or a
// second click, can never act twice. A 400's messages go beside their fields and into a focused summary at
// the top of the form; 403/404/409/413/429 and server errors are said at the top. No inline handlers.

const strings = () => document.getElementById("ui-strings")?.dataset ?? {};
let baseTitle = document.title;

function newKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));  // randomUUID needs a secure context; this does not
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function csrfToken() {
  const headers = document.body.getAttribute("hx-headers");
  try { return JSON.parse(headers)["x-csrftoken"]; } catch { return ""; }
}

// ---- serialising a form into JSON ------------------------------------------------------------------------

function parsePath(name) {
  const parts = [];
  for (const piece of name.split(".")) {
    const m = piece.match(/^([^[\]]+)((?:\[\d*\])*)$/);
    if (!m) { parts.push(piece); continue; }
    parts.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d*)\]/g)) parts.push(idx[1] === "" ? [] : Number(idx[1]));
  }
  return parts;
}

function setPath(target, parts, value) {
  let node = target;
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    const next = parts[i + 1];
    const empty = () => (typeof next === "number" || Array.isArray(next) ? [] : {});
    if (Array.isArray(part)) {                    // `name[]`: append
      if (last) node.push(value); else { const child = empty(); node.push(child); node = child; }
      return;
    }
    if (last) { node[part] = value; return; }
    if (node[part] === undefined) node[part] = empty();
    node = node[part];
  });
}

function compact(value) {                          // rows left out leave holes in numbered lists
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compact);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compact(v)]));
  }
  return value;
}

function fieldValue(el) {
  const type = el.dataset.type;
  if (el.type === "checkbox") {
    if (type === "bool") return el.checked;
    return el.checked ? el.value : undefined;
  }
  if (el.type === "radio") return el.checked ? el.value : undefined;
  if (el.type === "file") return undefined;
  const raw = el.value.trim();
  if (raw === "" && (el.hasAttribute("data-optional") || type === "int")) return undefined;
  if (type === "int") return /^-?\d+$/.test(raw) ? Number(raw) : raw;   // the API says what is wrong with it
  if (type === "null-int") return raw === "" ? null : Number(raw);
  return raw;
}

function toJson(form) {
  const body = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    const value = fieldValue(el);
    if (value !== undefined) setPath(body, parsePath(el.name), value);
  }
  return compact(body);
}

function syncRows(root) {
  for (const toggle of root.querySelectorAll("[data-row] [data-row-toggle]")) {
    const row = toggle.closest("[data-row]");
    for (const el of row.querySelectorAll("input, select, textarea")) {
      if (el !== toggle && !el.hasAttribute("data-row-keep")) el.disabled = !toggle.checked;
    }
  }
}

// ---- showing what happened -------------------------------------------------------------------------------

function clearErrors(form) {
  form.querySelectorAll(".field-error[data-generated]").forEach((n) => n.remove());
  form.querySelectorAll("[aria-invalid]").forEach((el) => {
    el.removeAttribute("aria-invalid");
    const ids = (el.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.endsWith("-error"));
    if (ids.length) el.setAttribute("aria-describedby", ids.join(" ")); else el.removeAttribute("aria-describedby");
  });
  form.querySelectorAll(".has-error").forEach((n) => n.classList.remove("has-error"));
  summaryBox(form).replaceChildren();
  summaryBox(form).hidden = true;
  document.title = baseTitle;
}

function summaryBox(form) {
  let box = form.querySelector(":scope > [data-errors]");
  if (!box) {
    box = document.createElement("div");
    box.setAttribute("data-errors", "");
    box.hidden = true;
    form.prepend(box);
  }
  return box;
}

function flattenErrors(errors, prefix = "", out = []) {
  if (Array.isArray(errors) && errors.every((e) => typeof e === "string")) {
    out.push([prefix, errors]);
  } else if (Array.isArray(errors)) {
    errors.forEach((e, i) => flattenErrors(e, `${prefix}[${i}]`, out));
  } else if (errors && typeof errors === "object") {
    for (const [k, v] of Object.entries(errors)) flattenErrors(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (typeof errors === "string") {
    out.push([prefix, [errors]]);
  }
  return out;
}

function fieldFor(form, path) {
  // The field itself, or the nearest enclosing one (`items[1].problem` -> `items[1]` -> `items`); a list
  // without an input of its own names its holder with data-error-for.
  for (let probe = path; probe; probe = probe.replace(/(\.[^.[\]]+|\[\d+\])$/, "")) {
    const el = [...form.elements].find((e) => e.name === probe || e.name === `${probe}[]`)
      || form.querySelector(`[data-error-for="${CSS.escape(probe)}"]`);
    if (el) return el;
    if (!/[.[]/.test(probe)) break;
  }
  return null;
}

function labelText(form, el) {
  if (!el) return "";
  const label = el.id && form.querySelector(`label[for="${CSS.escape(el.id)}"]`);
  return (label?.textContent || el.getAttribute("aria-label") || el.dataset.label || "").trim();
}

function showFieldErrors(form, errors) {
  const s = strings();
  const box = summaryBox(form);
  const list = document.createElement("ul");
  let n = 0;
  for (const [path, messages] of flattenErrors(errors)) {
    const el = path && !["non_field_errors", "detail"].includes(path) ? fieldFor(form, path) : null;
    const text = messages.join(" ");
    const item = document.createElement("li");
    if (el) {
      if (!el.id) el.id = `f-${path.replace(/[^\w-]/g, "-")}-${++n}`;
      const note = document.createElement("span");
      note.className = "field-error";
      note.dataset.generated = "";
      note.id = `${el.id}-error`;
      const hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = s.errorPrefix || "";
      note.append(hidden, text);
      const anchor = el.matches("input, select, textarea") ? el : el.firstElementChild || el;
      if (anchor === el) el.before(note); else el.prepend(note);
      el.setAttribute("aria-invalid", "true");
      el.setAttribute("aria-describedby", `${el.getAttribute("aria-describedby") || ""} ${note.id}`.trim());
      el.closest(".field")?.classList.add("has-error");
      const link = document.createElement("a");
      link.href = `#${el.id}`;
      const label = labelText(form, el);
      link.textContent = label && !text.includes(label) ? `${label}：${text}` : text;
      item.append(link);
    } else {
      item.textContent = path && !["non_field_errors", "detail"].includes(path) ? `${path}: ${text}` : text;
    }
    list.append(item);
  }
  const title = document.createElement("h2");
  title.textContent = s.summaryTitle || "";
  box.className = "error-summary";
  box.setAttribute("role", "alert");
  box.tabIndex = -1;
  box.replaceChildren(title, list);
  box.hidden = false;
  document.title = `${s.errorPrefix || ""}${baseTitle}`;
  box.focus();
}

function showBanner(form, text) {
  const box = summaryBox(form);
  box.className = "banner";
  box.setAttribute("role", "alert");
  box.tabIndex = -1;
  box.textContent = text;
  box.hidden = false;
  box.focus();
}

function announce(text) {
  const region = document.getElementById("messages");
  if (!region || !text) return;
  const p = document.createElement("p");
  p.className = "message";
  p.textContent = text;
  region.replaceChildren(p);
}

// ---- after the API answered ------------------------------------------------------------------------------

async function refreshRegions(selectors) {
  const targets = (selectors || "").split(/\s+/).filter(Boolean)
    .map((sel) => document.querySelector(sel)).filter((el) => el?.dataset.fragment);
  await Promise.all(targets.map((el) => window.htmx.ajax("GET", el.dataset.fragment,
    { target: `#${el.id}`, swap: "outerHTML" })));
  syncRows(document);
}

function fillTemplate(template, data) {
  return template.replace(/\{(\w+)\}/g, (_m, key) => encodeURIComponent(data?.[key] ?? ""));
}

function focusNext(selector) {
  const el = selector && document.querySelector(selector);
  if (!el) return;
  if (!el.matches("a, button, input, select, textarea, [tabindex]")) el.tabIndex = -1;
  el.focus();
}

function problemText(status, data) {
  const s = strings();
  const detail = data && typeof data.detail === "string" ? data.detail : "";
  if (status === 401) return s.signedOut;
  if (status === 409) return [detail, s.conflict].filter(Boolean).join(" ");
  if (status === 413) return detail || s.tooLarge;
  if (status === 429) return [s.throttled, detail].filter(Boolean).join(" ");
  if (status === 403) return detail || s.forbidden;
  if (status === 404) return detail || s.notFound;
  return s.serverError;
}

async function submit(form) {
  if (form.dataset.busy) return;                  // a second click while the first is on its way
  form.dataset.busy = "1";
  form.dataset.idempotencyKey ||= newKey();
  const buttons = [...form.querySelectorAll("button[type=submit], button:not([type])")];
  buttons.forEach((b) => { b.disabled = true; b.setAttribute("aria-busy", "true"); });
  clearErrors(form);
  const multipart = form.dataset.encoding === "multipart";
  const headers = { "X-CSRFToken": csrfToken(), "Idempotency-Key": form.dataset.idempotencyKey,
                    Accept: "application/json" };
  if (!multipart) headers["Content-Type"] = "application/json";
  let response;
  let data = null;
  try {
    response = await fetch(form.dataset.api, {
      method: (form.dataset.method || "POST").toUpperCase(), headers, credentials: "same-origin",
      body: multipart ? new FormData(form) : JSON.stringify(toJson(form)),
    });
    data = await response.json().catch(() => null);
  } catch {
    showBanner(form, strings().networkError);     // the key is kept: trying again cannot act twice
    return;
  } finally {
    delete form.dataset.busy;
    buttons.forEach((b) => { b.disabled = false; b.removeAttribute("aria-busy"); });
  }
  if (response.ok) {
    delete form.dataset.idempotencyKey;
    form.dispatchEvent(new CustomEvent("apiform:success", { bubbles: true, detail: { data } }));
    if (form.dataset.redirect) {
      window.location.assign(fillTemplate(form.dataset.redirect, data));
      return;
    }
    const focus = form.dataset.focus;
    const message = form.dataset.success || strings().done;
    if (form.hasAttribute("data-reset")) form.reset();
    await refreshRegions(form.dataset.refresh);
    announce(message);
    focusNext(focus);
    return;
  }
  if (response.status === 400 && data && typeof data === "object") {
    showFieldErrors(form, data);
    return;
  }
  showBanner(form, problemText(response.status, data));
  if (response.status === 409) await refreshRegions(form.dataset.refresh);
}

// ---- wiring, by delegation so that swapped-in content works too -----------------------------------------

document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-api]");
  if (!form) return;
  event.preventDefault();
  submit(form);
});

document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("[data-autosubmit]")) el.form.submit();
  if (el.matches("[data-row-toggle]")) syncRows(el.closest("[data-row]").parentElement);
});

document.addEventListener("click", (event) => {
  const toggle = event.target.closest("#fontscale-toggle");
  if (!toggle) return;
  const large = document.documentElement.dataset.fontscale !== "large";
  if (large) document.documentElement.dataset.fontscale = "large";
  else delete document.documentElement.dataset.fontscale;
  document.cookie = `fontscale=${large ? "large" : ""}; path=/; max-age=31536000; SameSite=Lax`;
  toggle.setAttribute("aria-pressed", String(large));
});

function typing(target) {
  return target.closest("input, textarea, select, [contenteditable]") !== null;
}

// `/` focuses the page's search; Alt+Shift+<key> presses the button that shows that shortcut.
document.addEventListener("keydown", (event) => {
  if (event.key === "/" && !typing(event.target) && !event.ctrlKey && !event.metaKey && !event.altKey) {
    const search = document.querySelector("[data-search]");
    if (search) { event.preventDefault(); search.focus(); search.select?.(); }
    return;
  }
  if (event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code.startsWith("Key")) {
    const key = event.code.slice(3).toUpperCase();
    const target = [...document.querySelectorAll("[data-shortcut]")]
      .find((el) => el.dataset.shortcut.toUpperCase() === key && el.offsetParent !== null);
    if (!target) return;
    event.preventDefault();
    if (target.matches("summary")) {
      target.parentElement.open = true;
      (target.parentElement.querySelector("[data-first]") || target).focus();
    }
    else if (target.matches("input, select, textarea")) target.focus();
    else target.click();
  }
});

document.addEventListener("htmx:afterSettle", () => { baseTitle = document.title.replace(strings().errorPrefix || "\u0000", ""); });
syncRows(document);
document.querySelector("[data-autofocus]")?.focus();
