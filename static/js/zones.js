/* Time zones from the browser (Intl), where JavaScript runs; the pages work the same without it.
   - select[data-browser-zone="offer"] (the viewer's zone picker): the browser's zone becomes the first option.
   - select[data-browser-zone="suggest"] (the register form): the browser's zone is chosen unless one is. */
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone) return;
  var selects = document.querySelectorAll("select[data-browser-zone]");
  Array.prototype.forEach.call(selects, function (select) {
    if (select.getAttribute("data-zone-done")) return;  // the script may be on a page twice
    select.setAttribute("data-zone-done", "1");
    var known = Array.prototype.some.call(select.options, function (o) { return o.value === zone; });
    if (!known) return;
    if (select.getAttribute("data-browser-zone") === "offer") {
      var current = select.value;
      var option = document.createElement("option");
      option.value = zone;
      option.textContent = (select.getAttribute("data-browser-label") || "%s").replace("%s", zone);
      select.insertBefore(option, select.options[0]);
      select.value = current;
    } else if (!select.value) {
      select.value = zone;
    }
  });
})();
