/* The printable page of a submitted response: the "print" button opens the browser's
   print dialog (which also saves as PDF). Without JavaScript the button stays hidden and
   the browser's own Print command does the same. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
