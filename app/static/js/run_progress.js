// A schedule run's page: draw the progress bar and follow a queued or running run until it ends.
(function () {
  "use strict";
  var box = document.getElementById("run");
  var bar = document.getElementById("run-bar");
  if (!box || !bar) return;
  // Widths are set through the DOM (allowed by the CSP), never by a style="" attribute.
  bar.style.width = bar.getAttribute("data-percent") + "%";
  if (["queued", "running"].indexOf(box.dataset.status) < 0) return;
  function poll() {
    fetch(box.dataset.progressUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (d) {
      var label = document.getElementById("run-status");
      label.textContent = d.status_label;
      label.dataset.status = d.status;
      if (d.best_value !== null) document.getElementById("run-value").textContent = d.best_value;
      if (d.bound !== null) document.getElementById("run-bound").textContent = d.bound;
      if (d.elapsed !== null) document.getElementById("run-elapsed").textContent = d.elapsed;
      if (d.percent !== null) {
        bar.style.width = d.percent + "%";
        bar.setAttribute("data-percent", d.percent);
        bar.textContent = d.percent + " %";
      }
      if (d.status === "done" || d.status === "failed") { window.location.reload(); return; }
      setTimeout(poll, 1000);
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
