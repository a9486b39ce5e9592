/*
 * /cooperations/ on a phone: the results come first. Below the md breakpoint (48em, where
 * the filters stop being a side column) the filter form is folded behind its "Filtrer"
 * button (a disclosure: aria-expanded, aria-controls), unless the form reports an error.
 * Without JavaScript, or on wider screens, the form is simply shown.
 */
(function () {
  "use strict";

  var button = document.querySelector(".portal-filters-toggle");
  var form = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!form || !window.matchMedia) {
    return;
  }
  var narrow = window.matchMedia("(max-width: 47.99em)");
  var expanded = button.hasAttribute("data-expanded");

  function render() {
    if (narrow.matches) {
      button.hidden = false;
      button.setAttribute("aria-expanded", String(expanded));
      form.hidden = !expanded;
    } else {
      button.hidden = true;
      form.hidden = false;
    }
  }

  button.addEventListener("click", function () {
    expanded = !expanded;
    render();
    if (expanded) {
      var first = form.querySelector("input, select, button");
      if (first) {
        first.focus();
      }
    }
  });
  if (narrow.addEventListener) {
    narrow.addEventListener("change", render);
  }
  render();
})();
