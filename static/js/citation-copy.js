/*
 * The record page's "Copier la citation" button: copies the reference shown above it.
 * Without JavaScript (or without a clipboard) the button stays hidden and the text can be
 * selected as before. Loaded as a file, so the CSP needs no inline script.
 */
(function () {
  "use strict";

  var box = document.querySelector(".portal-citation-copy");
  if (!box || !navigator.clipboard) {
    return;
  }
  var button = box.querySelector("button[data-copy-target]");
  var status = box.querySelector("[role=status]");
  var source = document.getElementById(button.dataset.copyTarget);
  if (!source) {
    return;
  }
  box.hidden = false;

  button.addEventListener("click", function () {
    // Only ASCII white space: the no-break spaces of French typography stay.
    var text = source.textContent.replace(/[ \t\r\n]+/g, " ").trim();
    status.textContent = "";
    navigator.clipboard.writeText(text).then(
      function () {
        status.textContent = box.dataset.copied;
      },
      function () {
        status.textContent = box.dataset.failed;
        var range = document.createRange();
        range.selectNodeContents(source);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
      }
    );
  });
})();
