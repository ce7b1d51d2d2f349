// Prompt editor: move and remove prompts in place instead of a round trip to the server.
// Without this file the same buttons post the form and the server re-renders it.
(function () {
  "use strict";
  var list = document.querySelector("[data-prompt-list]");
  if (!list) { return; }

  // Entries are posted as prompts-<n>-<field>; the server reads them in index order,
  // so after moving items in the page their names must be renumbered to match.
  function renumber() {
    var items = list.querySelectorAll("[data-prompt]");
    items.forEach(function (item, index) {
      item.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) { el.setAttribute(attr, value.replace(/prompts-\d+-/g, "prompts-" + index + "-")); }
        });
      });
      var number = item.querySelector("[data-prompt-number]");
      if (number) { number.textContent = String(index + 1); }
      item.querySelectorAll("button[name=action]").forEach(function (button) {
        button.value = button.value.replace(/:\d+$/, ":" + index);
      });
      var up = item.querySelector("[data-move=up]");
      var down = item.querySelector("[data-move=down]");
      if (up) { up.disabled = index === 0; }
      if (down) { down.disabled = index === items.length - 1; }
    });
  }

  list.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    var item = button.closest("[data-prompt]");
    if (button.hasAttribute("data-remove")) {
      event.preventDefault();
      var next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      renumber();
      var focusTarget = next && next.querySelector("input:not([type=hidden])");
      if (focusTarget) { focusTarget.focus(); }
    } else if (button.getAttribute("data-move") === "up" && item.previousElementSibling) {
      event.preventDefault();
      list.insertBefore(item, item.previousElementSibling);
      renumber();
      button.focus();
    } else if (button.getAttribute("data-move") === "down" && item.nextElementSibling) {
      event.preventDefault();
      list.insertBefore(item.nextElementSibling, item);
      renumber();
      button.focus();
    }
  });
}());
