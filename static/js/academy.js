// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // A <select data-filterable> gets a search box above it that narrows its options as the user
  // types (the organisation tree has hundreds of entries). Without JavaScript the plain select,
  // grouped by ministry, still works.
  function makeFilterable(select) {
    var label = select.getAttribute("data-filter-label") || "Filter the list";
    var wrapper = document.createElement("div");
    var input = document.createElement("input");
    var status = document.createElement("p");
    input.type = "search";
    input.className = "select-filter";
    input.setAttribute("aria-label", label);
    input.setAttribute("placeholder", label);
    input.setAttribute("aria-controls", select.id);
    status.className = "hint";
    status.setAttribute("aria-live", "polite");
    wrapper.appendChild(input);
    wrapper.appendChild(status);
    select.parentNode.insertBefore(wrapper, select);

    var options = Array.prototype.slice.call(select.options);
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      var shown = 0;
      var firstMatch = null;
      options.forEach(function (option) {
        if (!option.value) { return; }
        var match = !needle || option.text.toLowerCase().indexOf(needle) !== -1 ||
          (option.parentNode.label || "").toLowerCase().indexOf(needle) !== -1;
        option.hidden = !match;
        option.disabled = !match;
        if (match) { shown += 1; firstMatch = firstMatch || option; }
      });
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        group.hidden = !Array.prototype.some.call(group.children, function (o) { return !o.hidden; });
      });
      if (needle && firstMatch && (select.selectedIndex < 0 || select.options[select.selectedIndex].hidden)) {
        firstMatch.selected = true;
      }
      status.textContent = needle ? (select.getAttribute("data-filter-count") || "%s matches").replace("%s", shown) : "";
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-filterable]"), makeFilterable);
})();
