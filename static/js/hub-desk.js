// Shows in People the number a blank People counts: the household's size for a known code, else 1.
// Without JavaScript the field's help text says the same, and the server counts it the same way.
(function () {
  "use strict";
  var sizes = document.getElementById("household-sizes");
  var form = document.querySelector(".handout-form");
  if (!sizes || !form) {
    return;
  }
  sizes = JSON.parse(sizes.textContent);
  var code = form.elements.household_code;
  var people = form.elements.people;
  function show() {
    var typed = code.value.trim().toUpperCase();
    people.placeholder = typed === "" ? "1" : (sizes[typed] || "").toString();
  }
  code.addEventListener("input", show);
  show();
})();
