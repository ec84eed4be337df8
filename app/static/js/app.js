// Behaviours every page may use, bound on data-attributes: the Content-Security-Policy
// forbids inline handlers, so templates say what they want and this file does it.
(function () {
  "use strict";

  // <form data-confirm="Question?">: ask before sending; "Cancel" keeps the page as it is.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) return;
    if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
  });

  // <button data-print>: open the browser's print dialog.
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (button) window.print();
  });
})();
