// Assigning homework: the preview beside the form follows the exercises ticked, and "How many
// times a week" shows only when "Times a week" is chosen. Without JavaScript both are on the
// page: the number box sits under its choice, and a button shows the chosen previews.
(function () {
  "use strict";
  var form = document.querySelector(".assign-form");
  if (!form) return;
  document.querySelectorAll(".no-script-only").forEach(function (el) { el.hidden = true; });

  var empty = document.querySelector("[data-preview-empty]");
  var toggles = form.querySelectorAll("[data-preview-toggle]");
  function showPreviews() {
    var any = false;
    toggles.forEach(function (box) {
      var preview = document.querySelector('[data-preview="' + box.getAttribute("data-preview-toggle") + '"]');
      if (preview) preview.hidden = !box.checked;
      any = any || box.checked;
    });
    if (empty) empty.hidden = any;
  }
  toggles.forEach(function (box) { box.addEventListener("change", showPreviews); });

  var weekly = form.querySelector("[data-shown-for]");
  var radios = form.querySelectorAll("input[data-frequency]");
  function showTimes() {
    if (!weekly) return;
    var chosen = form.querySelector("input[data-frequency]:checked");
    var show = chosen && chosen.value === weekly.getAttribute("data-shown-for");
    weekly.hidden = !show;
    // A box with an error stays visible whatever is chosen, so the message is never hidden.
    if (weekly.querySelector(".has-error")) weekly.hidden = false;
  }
  radios.forEach(function (radio) { radio.addEventListener("change", showTimes); });
  showTimes();
})();
