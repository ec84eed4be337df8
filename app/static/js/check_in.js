// Check-in desk: filter the list on the phone without a round trip; the GET form still works
// without JavaScript.
(function () {
  "use strict";
  var input = document.getElementById("checkin-search");
  if (!input) return;
  var rows = document.querySelectorAll("#checkin-list [data-search]");
  input.addEventListener("input", function () {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    rows.forEach(function (row) {
      var text = row.getAttribute("data-search");
      row.classList.toggle("d-none", !words.every(function (w) { return text.indexOf(w) !== -1; }));
    });
  });
})();
