// A schedule run's page: draw the time bar and follow a queued or running run until it ends.
(function () {
  "use strict";
  var box = document.getElementById("run");
  var bar = document.getElementById("run-bar");
  if (!box || !bar) return;
  // Widths are set through the DOM (allowed by the CSP), never by a style="" attribute.
  bar.style.width = bar.getAttribute("data-percent") + "%";
  if (["queued", "running"].indexOf(box.dataset.status) < 0) return;
  function text(id, value, prefix) {
    var node = document.getElementById(id);
    if (node) node.textContent = value ? (prefix || "") + value : "";
  }
  function poll() {
    fetch(box.dataset.progressUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (d) {
      var label = document.getElementById("run-status");
      label.textContent = d.status_label;
      label.dataset.status = d.status;
      var phase = document.getElementById("run-phase");
      phase.textContent = d.phase_label;
      phase.dataset.phase = d.phase;
      bar.style.width = d.time_percent + "%";
      bar.setAttribute("data-percent", d.time_percent);
      bar.textContent = d.time_label;
      text("run-time", d.time_label);
      text("run-meetings", d.meetings_label, " · ");
      text("run-quality", d.quality_label, " · ");
      if (d.status === "done" || d.status === "failed") { window.location.reload(); return; }
      setTimeout(poll, 1000);
    }).catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 500);
})();
