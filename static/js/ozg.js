/*
 * OZG matrix: Escape in the inline rating form cancels it (the same as "Abbrechen").
 * Everything else is plain htmx; the matrix works without this file.
 */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var form = event.target.closest && event.target.closest(".ozg-zelle__form");
    var cancel = form && form.querySelector(".ozg-zelle__abbrechen");
    if (cancel) {
      event.preventDefault();
      cancel.click();
    }
  });
})();
