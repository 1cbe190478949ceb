// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Forms marked js-autosubmit (the language switcher) submit when a select changes.
  document.querySelectorAll("form.js-autosubmit select").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });
  // Buttons with data-confirm ask before a destructive action.
  document.querySelectorAll("[data-confirm]").forEach((element) => {
    element.addEventListener("click", (event) => {
      if (!window.confirm(element.dataset.confirm)) event.preventDefault();
    });
  });
  // "Print or save as PDF" buttons of the printable pages (the dashboard report, an attestation).
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
});
