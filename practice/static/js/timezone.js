// Account page: put the browser's own time zone first in the picker, in a group of its own.
// Without JavaScript the picker is the plain list grouped by region.
(function () {
  "use strict";
  var select = document.querySelector("select[data-browser-zone]");
  if (!select || !window.Intl) return;
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (error) { return; }
  if (!zone) return;
  var aliases = {};
  try { aliases = JSON.parse(select.getAttribute("data-zone-aliases") || "{}"); } catch (error) { /* keep none */ }
  var name = aliases[zone] || zone;
  var option = Array.prototype.find.call(select.options, function (o) { return o.value === name; });
  if (!option) return;
  var group = document.createElement("optgroup");
  group.label = "Your browser's time zone";
  group.appendChild(option);  // moved, not copied: one option per zone
  select.insertBefore(group, select.firstChild);
  select.setAttribute("data-browser-zone", name);
})();
