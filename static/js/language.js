// Switch the interface language as soon as another one is picked (no inline handler: the CSP forbids it).
document.querySelectorAll("select[data-submit-on-change]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
