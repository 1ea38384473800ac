// The pages' one script: a form marked `data-api` becomes a call to /api/v1 with the signed-in session.
//
//   <form data-api="/api/v1/applications/7/accept/"   the endpoint (POST unless data-method says otherwise)
//         data-encoding="multipart"                   send FormData as is (files); JSON otherwise
//         data-refresh="#status #actions"             regions to reload from their data-fragment URL on success
//         data-redirect="/counter/applications/{id}/" or go here, {field} taken from the JSON answer
//         data-focus="#next-field"                    where the hand goes next
//         data-success="Accepted.">                   said in the polite live region
//   <button data-api="…" data-method="PUT">             this button sends the fields there instead, and stays
//
// Field names may be paths: `applicant.name`, `items[0].material`, `tags[]`. `data-type="int"` sends a number,
// `data-type="bool"` a checkbox's true/false, `data-optional` leaves an empty value out. A row container
// `[data-row]` with a `[data-row-toggle]` checkbox sends its other fields only while the box is ticked; a panel
// `[data-when="kind=enterprise"]` is shown, and its fields sent, only while the radio button `kind` has that value.
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
  const raw = el.hasAttribute("data-compact") ? el.value.replace(/[\s-]/g, "") : el.value.trim();
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

function syncPanels(root) {
  for (const panel of root.querySelectorAll("[data-when]")) {
    const [name, value] = panel.dataset.when.split("=");
    const chosen = [...panel.closest("form").elements].find((el) => el.name === name && el.checked);
    const on = chosen?.value === value;
    panel.hidden = !on;
    for (const el of panel.querySelectorAll("input, select, textarea")) el.disabled = !on;
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
    const el = [...form.elements].find((e) => !e.disabled && (e.name === probe || e.name === `${probe}[]`))
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
syncPanels(document);
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

// ---- files: checked before sending, sent with a progress bar ----------------------------------------------
//
//   <input type="file" name="file" accept=".pdf,.jpg,.jpeg,.png" data-max-bytes="20971520" data-required
//          data-missing="…" data-empty="…" data-too-large="…" data-wrong-type="…">   the words said for each case
//   <progress data-progress hidden max="100">                                         filled while it uploads
//
// A form with `data-upload="/api/v1/applications/{id}/materials/"` first sends its JSON, then each chosen file
// of an input carrying `data-material="<id>"` to that address (the {id} from the first answer).

function fileProblem(input) {
  const file = input.files?.[0];
  if (!file) return input.hasAttribute("data-required") ? input.dataset.missing : "";
  if (file.size === 0) return input.dataset.empty;
  if (input.dataset.maxBytes && file.size > Number(input.dataset.maxBytes)) return input.dataset.tooLarge;
  const accepted = (input.accept || "").split(",").map((a) => a.trim().toLowerCase()).filter(Boolean);
  const name = file.name.toLowerCase();
  if (accepted.length && !accepted.some((a) => (a.startsWith(".") ? name.endsWith(a) : file.type === a))) {
    return input.dataset.wrongType;
  }
  return "";
}

function checkFiles(form) {
  const problems = {};
  for (const input of form.querySelectorAll("input[type=file]:not([disabled])")) {
    const problem = fileProblem(input);
    if (problem) problems[input.name] = [problem];
  }
  return Object.keys(problems).length ? problems : null;
}

function sendFiles(url, headers, body, progress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();            // fetch() cannot report upload progress
    xhr.open("POST", url);
    Object.entries(headers).forEach(([k, v]) => xhr.setRequestHeader(k, v));
    if (progress) {
      progress.value = 0;
      progress.hidden = false;
      xhr.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) progress.value = Math.round((100 * e.loaded) / e.total);
      });
    }
    xhr.addEventListener("load", () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { data = null; }
      if (progress && xhr.status < 300) progress.value = 100;
      resolve({ response: { ok: xhr.status >= 200 && xhr.status < 300, status: xhr.status }, data });
    });
    xhr.addEventListener("error", () => reject(new Error("network")));
    xhr.send(body);
  });
}

async function uploadChosenFiles(form, created) {
  for (const input of form.querySelectorAll("input[type=file][data-material]")) {
    const file = input.files?.[0];
    if (!file) continue;
    const body = new FormData();
    body.append("material", input.dataset.material);
    body.append("file", file);
    const headers = { "X-CSRFToken": csrfToken(), "Idempotency-Key": newKey(), Accept: "application/json" };
    // A file that fails here is not lost work: the application's page lists it as missing, with an upload.
    await sendFiles(fillTemplate(form.dataset.upload, created), headers, body,
      document.getElementById(`${input.id}-progress`)).catch(() => null);
  }
}

// A form with a review step: `[data-review]` checks the answers and shows `[data-review-step]` with every
// `[data-review-of="field name"]` filled in; `[data-edit]` goes back to `[data-edit-step]`.
function answerText(form, name) {
  const fields = [...form.elements].filter((el) => el.name === name);
  const el = fields.find((f) => f.type !== "radio" || f.checked);
  if (!el) return "";
  if (el.type === "file") return el.files?.[0]?.name || "";
  if (el.type === "radio") return (form.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent || el.value).trim();
  return el.value.trim();
}

function showStep(form, reviewing) {
  form.querySelector("[data-edit-step]").hidden = reviewing;
  form.querySelector("[data-review-step]").hidden = !reviewing;
  focusNext(reviewing ? "[data-review-step] h2" : "[data-edit-step] legend, [data-edit-step] h2");
}

document.addEventListener("click", (event) => {
  const review = event.target.closest("[data-review]");
  const edit = event.target.closest("[data-edit]");
  const form = (review || edit)?.closest("form");
  if (!form) return;
  clearErrors(form);
  if (edit) { showStep(form, false); return; }
  const problems = checkFiles(form);
  if (problems) { showFieldErrors(form, problems); return; }
  for (const dd of form.querySelectorAll("[data-review-of]")) {
    dd.textContent = answerText(form, dd.dataset.reviewOf) || dd.dataset.none || "";
  }
  showStep(form, true);
});

async function submit(form, submitter) {
  if (form.dataset.busy) return;                  // a second click while the first is on its way
  form.dataset.busy = "1";
  form.dataset.idempotencyKey ||= newKey();
  const buttons = [...form.querySelectorAll("button[type=submit], button:not([type])")];
  buttons.forEach((b) => { b.disabled = true; b.setAttribute("aria-busy", "true"); });
  clearErrors(form);
  // A button with its own data-api (e.g. "save and continue later") sends the same fields elsewhere, and stays.
  const other = submitter?.dataset.api ? submitter.dataset : null;
  const fileProblems = other ? null : checkFiles(form);
  if (fileProblems) {                              // said before anything is sent
    delete form.dataset.busy;
    buttons.forEach((b) => { b.disabled = false; b.removeAttribute("aria-busy"); });
    showFieldErrors(form, fileProblems);
    return;
  }
  const multipart = form.dataset.encoding === "multipart";
  const headers = { "X-CSRFToken": csrfToken(), "Idempotency-Key": form.dataset.idempotencyKey,
                    Accept: "application/json" };
  if (!multipart) headers["Content-Type"] = "application/json";
  let response;
  let data = null;
  try {
    if (multipart) {
      ({ response, data } = await sendFiles(form.dataset.api, headers, new FormData(form),
        form.querySelector("progress[data-progress]")));
    } else {
      response = await fetch(other?.api || form.dataset.api, {
        method: (other?.method || form.dataset.method || "POST").toUpperCase(), headers, credentials: "same-origin",
        body: JSON.stringify(toJson(form)),
      });
      data = await response.json().catch(() => null);
    }
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
    if (other) { announce(other.success || strings().done); return; }
    if (form.dataset.upload) await uploadChosenFiles(form, data);
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
  submit(form, event.submitter);
});

document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("[data-autosubmit]")) el.form.submit();
  if (el.matches("[data-row-toggle]")) syncRows(el.closest("[data-row]").parentElement);
  if (el.matches("input[type=radio]") && el.form?.querySelector("[data-when]")) syncPanels(el.form);
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

// ---- identity numbers checked as they are typed (the server checks them again) ------------------------------

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const CHECKS = {
  // GB 11643: ISO 7064 MOD 11-2 over 17 digits.
  "id-number": (v) => /^\d{17}[\dX]$/.test(v)
    && "10X98765432"[[...v.slice(0, 17)].reduce((t, c, i) => t + Number(c) * ID_WEIGHTS[i], 0) % 11] === v[17],
  // GB 32100: weighted MOD 31 over an alphabet without I, O, S, V, Z.
  uscc: (v) => v.length === 18 && [...v].every((c) => USCC_ALPHABET.includes(c))
    && USCC_ALPHABET[(31 - [...v.slice(0, 17)].reduce((t, c, i) => t + USCC_ALPHABET.indexOf(c) * USCC_WEIGHTS[i], 0)
      % 31) % 31] === v[17],
};

function normalised(value) {
  return value.replace(/[\s-]/g, "").toUpperCase();
}

function checkIdentity(input) {
  const note = document.getElementById(`${input.id}-check`);
  if (!note) return;
  const value = normalised(input.value);
  let state = "";
  if (value.length >= 18) state = CHECKS[input.dataset.check](value) ? "ok" : "bad";
  else if (value.length > 0 && document.activeElement !== input) state = "short";
  note.textContent = state ? note.dataset[state] : "";
  note.className = `check-note ${state === "ok" ? "valid-note" : state ? "invalid-note" : ""}`;
}

document.addEventListener("input", (event) => {
  if (event.target.matches("input[data-check]")) checkIdentity(event.target);
});

document.addEventListener("focusout", (event) => {
  const el = event.target;
  if (!el.matches?.("input[data-check], input[type=tel]")) return;
  el.value = normalised(el.value);                 // spaces and hyphens people type are not part of the number
  if (el.matches("[data-check]")) checkIdentity(el);
});

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
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

// ---- regions that keep themselves current -----------------------------------------------------------------
// `data-poll="60"` on a region with a data-fragment: reloaded every 60 s while the tab is shown, unless the hand
// is in it (focus inside, a form in it typed into or on its way to the API): nobody loses what they were
// writing. Checked every 2 s.

document.addEventListener("input", (event) => { event.target.form?.setAttribute("data-dirty", ""); });

function pollRegions() {
  if (document.visibilityState !== "visible") return;
  const now = Date.now();
  for (const el of document.querySelectorAll("[data-poll][data-fragment][id]")) {
    if (!el.dataset.polledAt) { el.dataset.polledAt = now; continue; }
    if (now - Number(el.dataset.polledAt) < Number(el.dataset.poll) * 1000) continue;
    if (el.contains(document.activeElement) || el.querySelector("form[data-dirty], form[data-busy]")) continue;
    el.dataset.polledAt = now;
    window.htmx.ajax("GET", el.dataset.fragment, { target: `#${el.id}`, swap: "outerHTML" })
      .then(() => syncRows(document));
  }
}
setInterval(pollRegions, 2000);

document.addEventListener("htmx:afterSettle", () => { baseTitle = document.title.replace(strings().errorPrefix || "\u0000", ""); });
syncRows(document);
syncPanels(document);
document.querySelector("[data-autofocus]")?.focus();
