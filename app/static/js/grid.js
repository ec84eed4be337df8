// Schedule grid: filter while typing, and move or swap a meeting by drag and drop. Without
// JavaScript the GET filter form and the edit forms do the same through the server.
(function () {
  "use strict";
  var grid = document.querySelector("table.b2b-grid");
  if (!grid) return;
  var who = document.getElementById("grid-who");
  var table = document.getElementById("grid-table");
  var rows = grid.querySelectorAll("tbody tr[data-table-name]");

  function words(input) {
    return input ? input.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
  }

  function filter() {
    var people = words(who);
    var tables = words(table);
    rows.forEach(function (row) {
      var name = row.getAttribute("data-table-name");
      var tableOk = tables.every(function (w) { return name.indexOf(w) !== -1; });
      var any = false;
      row.querySelectorAll("td[data-search]").forEach(function (cell) {
        var text = cell.getAttribute("data-search");
        var ok = people.every(function (w) { return text.indexOf(w) !== -1; });
        cell.classList.toggle("cell-dim", !ok);
        any = any || ok;
      });
      row.classList.toggle("grid-hidden", !tableOk || (people.length > 0 && !any));
    });
  }
  [who, table].forEach(function (input) {
    if (input) input.addEventListener("input", filter);
  });

  // Drag and drop posts the same forms as the buttons, with the page's CSRF token.
  function post(url, fields) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = url;
    var token = document.querySelector("input[name='csrf_token']");
    if (token) fields.csrf_token = token.value;
    if (who && who.value) fields.who = who.value;
    if (table && table.value) fields.table = table.value;
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = fields[name];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  function urlFor(kind, meetingId) {
    return grid.getAttribute("data-" + kind + "-url").replace("987654321", meetingId);
  }

  var dragged = null;
  grid.addEventListener("dragstart", function (event) {
    var cell = event.target.closest && event.target.closest("td[data-meeting]");
    if (!cell) return;
    dragged = cell.getAttribute("data-meeting");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged);
  });
  grid.addEventListener("dragover", function (event) {
    var cell = event.target.closest && event.target.closest("td.cell");
    if (!cell || !dragged) return;
    event.preventDefault();
    cell.classList.add("cell-drop");
  });
  grid.addEventListener("dragleave", function (event) {
    var cell = event.target.closest && event.target.closest("td.cell");
    if (cell) cell.classList.remove("cell-drop");
  });
  grid.addEventListener("drop", function (event) {
    var cell = event.target.closest && event.target.closest("td.cell");
    if (!cell || !dragged) return;
    event.preventDefault();
    cell.classList.remove("cell-drop");
    var other = cell.getAttribute("data-meeting");
    if (other === dragged) return;
    if (other) {
      post(urlFor("swap", dragged), { other_id: other });
    } else {
      post(urlFor("move", dragged), { slot_id: cell.getAttribute("data-slot"),
                                      table_id: cell.getAttribute("data-table") });
    }
  });
})();
