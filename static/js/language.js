// The language menu switches as soon as a language is chosen (a file, not an inline handler: the site's CSP).
document.querySelectorAll("select[data-submit-on-change]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
