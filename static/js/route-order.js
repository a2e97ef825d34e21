// Drag a stop to reorder the route. Without JavaScript the arrow buttons do the same.
(function () {
  "use strict";
  var list = document.querySelector(".route-stops");
  var form = document.getElementById("reorder-form");
  if (!list || !form) {
    return;
  }
  var dragged = null;
  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest(".route-stop");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.stop);
  });
  list.addEventListener("dragover", function (event) {
    event.preventDefault();
  });
  list.addEventListener("drop", function (event) {
    event.preventDefault();
    var target = event.target.closest(".route-stop");
    if (!dragged || !target || target === dragged) {
      return;
    }
    var stops = Array.prototype.slice.call(list.querySelectorAll(".route-stop"));
    var before = stops.indexOf(target) < stops.indexOf(dragged);
    list.insertBefore(dragged, before ? target : target.nextSibling);
    var order = Array.prototype.map.call(list.querySelectorAll(".route-stop"), function (stop) {
      return stop.dataset.stop;
    });
    form.elements.order.value = order.join(",");
    form.submit();
  });
})();
