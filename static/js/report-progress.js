// Progressive enhancement of a report's page while its file is being built: the progress bar
// follows the build without reloading the page (the run's status, as JSON, every second), and
// the page reloads once, when the report is finished, to show its download link. Without
// JavaScript the page's <noscript> refresh does the same every few seconds.
(function () {
  "use strict";

  var bar = document.getElementById("report-progress");
  if (!bar || !bar.getAttribute("data-status-url") || !window.fetch) {
    return;
  }
  var label = document.getElementById("report-progress-label");
  var percent = document.getElementById("report-progress-percent");
  var state = document.getElementById("report-progress-state");
  // "__done__ of __total__ rows written", in the page's language.
  var rowsText = bar.getAttribute("data-rows-text");

  function show(run) {
    if (run.rows_total !== null) {
      bar.max = Math.max(run.rows_total, 1);
      bar.value = run.rows_done;
      bar.textContent = run.percent + "%";
      label.textContent = rowsText
        .replace("__done__", run.rows_done.toLocaleString())
        .replace("__total__", run.rows_total.toLocaleString());
    }
    percent.textContent = run.percent + "%";
    state.textContent = run.status_label;
  }

  function poll() {
    fetch(bar.getAttribute("data-status-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (run) {
        if (run.finished) {
          window.location.reload();
          return;
        }
        show(run);
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        // A network hiccup: try again a little later.
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1000);
})();
