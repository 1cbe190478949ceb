// Time-zone pickers (organizations/timezones.py's TimeZoneSelect): a search box in front of the select
// hides the options that do not match, by city or IANA name, accents ignored. Without it the select
// still works, grouped with the suggested zones first.
document.addEventListener("DOMContentLoaded", () => {
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  document.querySelectorAll("select[data-timezone-picker]").forEach((select) => {
    const search = document.createElement("input");
    search.type = "search";
    search.className = "form-control form-control-sm mb-1";
    search.id = `${select.id}-search`;
    search.setAttribute("aria-label", select.dataset.filterLabel);
    search.setAttribute("aria-controls", select.id);
    search.placeholder = select.dataset.filterLabel;
    search.autocomplete = "off";
    select.before(search);
    const options = [...select.querySelectorAll("option")];
    search.addEventListener("input", () => {
      const words = fold(search.value).split(/\s+/).filter(Boolean);
      const matches = (option) =>
        words.every((word) => (option.dataset.search || fold(option.textContent)).includes(word));
      // The best match becomes the choice, so typing "tokyo" then leaving the box picks Tokyo.
      const current = select.selectedOptions[0];
      if (words.length && !(current && matches(current))) {
        const best = options.find(matches);
        if (best) select.value = best.value;
      }
      options.forEach((option) => {
        option.hidden = !option.selected && !matches(option);
      });
      select.querySelectorAll("optgroup").forEach((group) => {
        group.hidden = ![...group.querySelectorAll("option")].some((option) => !option.hidden);
      });
    });
  });
});
