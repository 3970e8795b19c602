// marsad web app: small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  // Legend checkboxes on the article page switch a kind of highlight on and off.
  document.querySelectorAll("[data-toggle]").forEach(function (box) {
    box.addEventListener("change", function () {
      var text = document.getElementById("article-text");
      if (text) { text.classList.toggle("hide-" + box.getAttribute("data-toggle"), !box.checked); }
    });
  });
  // Arriving at an event's trigger (#ev-…) scrolls it to the middle of the screen.
  if (location.hash.indexOf("#ev-") === 0) {
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) { target.scrollIntoView({block: "center"}); }
  }
}());
