// Timed turns, breaks and device-free blocks on the partner's page: progressive enhancement.
// Without JavaScript the page says "Set a timer for N minutes." and that is all it needs.
// With it, each [data-timer] gets Start / Pause / Reset and a countdown that keeps true time
// (from the clock, not from counting ticks, so a phone that sleeps the page stays right).
(function () {
  "use strict";

  function format(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function setUp(box) {
    var total = parseInt(box.getAttribute("data-timer"), 10) * 60;
    if (!(total > 0)) return;
    var left = total;
    var endsAt = null;
    var tick = null;

    var display = document.createElement("p");
    display.className = "timer-display";
    display.setAttribute("role", "timer");
    display.textContent = format(left);
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "assertive");
    var start = document.createElement("button");
    start.type = "button";
    start.className = "button secondary";
    start.textContent = "Start";
    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "link-button";
    reset.textContent = "Reset";
    var controls = document.createElement("div");
    controls.className = "timer-controls";
    controls.append(display, start, reset, status);
    box.append(controls);

    function show() {
      display.textContent = format(Math.max(left, 0));
    }
    function stop() {
      clearInterval(tick);
      tick = null;
      endsAt = null;
    }
    function update() {
      left = Math.round((endsAt - Date.now()) / 1000);
      show();
      if (left <= 0) {
        stop();
        left = 0;
        start.textContent = "Start";
        box.classList.add("timer-done");
        status.textContent = "Time is up.";
        if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
      }
    }
    start.addEventListener("click", function () {
      if (tick) {
        update();
        stop();
        start.textContent = "Resume";
        status.textContent = "Paused.";
        return;
      }
      if (left <= 0) left = total;
      box.classList.remove("timer-done");
      endsAt = Date.now() + left * 1000;
      tick = setInterval(update, 250);
      start.textContent = "Pause";
      status.textContent = "Started.";
    });
    reset.addEventListener("click", function () {
      stop();
      left = total;
      start.textContent = "Start";
      box.classList.remove("timer-done");
      status.textContent = "";
      show();
    });
  }

  document.querySelectorAll("[data-timer]").forEach(setUp);
})();
