// Client homework page: progressive enhancement only. Without JavaScript the
// "Add another item" and "Remove" buttons submit the form and the server re-renders it.
(function () {
  "use strict";

  function renumber(fieldset) {
    var key = fieldset.getAttribute("data-list");
    var rows = fieldset.querySelectorAll("[data-list-row]");
    rows.forEach(function (row, index) {
      var input = row.querySelector("input");
      var label = row.querySelector("label");
      var remove = row.querySelector("[data-list-remove]");
      var id = "a-" + key + "-" + index;
      input.id = id;
      input.name = id;
      label.htmlFor = id;
      label.textContent = "Item " + (index + 1);
      if (remove) {
        remove.value = key + ":" + index;
        remove.textContent = "Remove item " + (index + 1);
        remove.hidden = rows.length < 2;
      }
    });
    fieldset.querySelector("[data-list-count]").value = rows.length;
  }

  function addRow(fieldset) {
    var list = fieldset.querySelector("[data-list-items]");
    var rows = list.querySelectorAll("[data-list-row]");
    if (rows.length >= 20) return;
    var row = rows[rows.length - 1].cloneNode(true);
    row.classList.remove("has-error");
    row.querySelectorAll(".error, [data-count]").forEach(function (node) { node.remove(); });
    var input = row.querySelector("input");
    input.value = "";
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
    if (!row.querySelector("[data-list-remove]")) {
      var button = document.createElement("button");
      button.type = "submit";
      button.name = "remove";
      button.className = "link-button";
      button.setAttribute("data-list-remove", "");
      row.appendChild(button);
    }
    list.appendChild(row);
    renumber(fieldset);
    input.focus();
  }

  document.querySelectorAll("[data-list]").forEach(function (fieldset) {
    fieldset.addEventListener("click", function (event) {
      var target = event.target;
      if (target.matches("[data-list-add]")) {
        event.preventDefault();
        addRow(fieldset);
      } else if (target.matches("[data-list-remove]")) {
        event.preventDefault();
        var rows = fieldset.querySelectorAll("[data-list-row]");
        if (rows.length < 2) return;
        var row = target.closest("[data-list-row]");
        var next = row.nextElementSibling || row.previousElementSibling;
        row.remove();
        renumber(fieldset);
        if (next) next.querySelector("input").focus();
      }
    });
    renumber(fieldset);
  });

  function sentence(parts) {
    var pieces = [];
    if (parts.feel) pieces.push("I feel " + parts.feel);
    if (parts.when) pieces.push("when " + parts.when);
    if (parts.because) pieces.push("because " + parts.because);
    var text = pieces.join(" ");
    if (text) text += ".";
    if (parts.need) text = (text + " I need " + parts.need + ".").trim();
    return text;
  }

  document.querySelectorAll("[data-i-statement]").forEach(function (fieldset) {
    var preview = fieldset.querySelector("[data-i-preview]");
    function update() {
      var parts = {};
      fieldset.querySelectorAll("[data-i-part]").forEach(function (input) {
        parts[input.getAttribute("data-i-part")] = input.value.trim();
      });
      preview.textContent = sentence(parts);  // textContent: typed text is never HTML
    }
    fieldset.addEventListener("input", update);
    update();
  });

  // Long answers: the page states each box's limit ("Up to 10,000 characters."); here it
  // becomes a live count. One-line boxes get a count only when they come near their limit.
  var numbers = window.Intl ? new Intl.NumberFormat("en-GB") : null;
  function number(n) { return numbers ? numbers.format(n) : String(n); }

  function counterFor(field, create) {
    var next = field.nextElementSibling;
    if (next && next.hasAttribute("data-count")) return next;
    if (!create) return null;
    var counter = document.createElement("p");
    counter.className = "counter";
    counter.setAttribute("data-count", "");
    field.insertAdjacentElement("afterend", counter);
    return counter;
  }

  function count(field) {
    var limit = parseInt(field.getAttribute("data-limit"), 10);
    var used = Array.from(field.value).length; // characters as the server counts them
    var counter = counterFor(field, field.tagName === "TEXTAREA" || used > limit * 0.9);
    if (!counter) return;
    var over = used - limit;
    counter.textContent = used === 0
      ? "Up to " + number(limit) + " characters."
      : number(used) + " of " + number(limit) + " characters" +
        (over > 0 ? ": " + number(over) + " too many" : "");
    counter.classList.toggle("over", over > 0);
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-limit]")) count(field);
  });
  document.querySelectorAll("[data-limit]").forEach(count);
})();
