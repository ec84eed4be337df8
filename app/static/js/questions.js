// Registration questions asked only for some answers to another question: show each one
// while the answer it depends on is one of its values (the server ignores it otherwise).
(function () {
  "use strict";

  function answers(form, name) {
    var values = [];
    form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
      if (input.type === "checkbox" || input.type === "radio") {
        if (input.checked) { values.push(input.value); }
      } else if (input.tagName === "SELECT" && input.multiple) {
        Array.prototype.forEach.call(input.selectedOptions, function (option) {
          values.push(option.value);
        });
      } else {
        values.push(input.value);
      }
    });
    return values;
  }

  document.querySelectorAll("[data-condition-on]").forEach(function (box) {
    var form = box.closest("form");
    var name = box.getAttribute("data-condition-on");
    var wanted = JSON.parse(box.getAttribute("data-condition-values"));
    function update() {
      box.hidden = !answers(form, name).some(function (value) {
        return wanted.indexOf(value) >= 0;
      });
    }
    form.addEventListener("change", update);
    update();
  });
})();
