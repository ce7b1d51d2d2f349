// Warns a signed-in counselor before the idle sign-out and offers to stay signed in.
// The server enforces the limits; this only makes them visible. Nothing typed on the page
// is touched: after a sign-out, sending a form shows what was typed, ready to copy.
(function () {
  "use strict";
  var body = document.body;
  var statusUrl = body.dataset.sessionStatus;
  if (!statusUrl) { return; }
  var keepaliveUrl = body.dataset.sessionKeepalive;
  var csrfToken = body.dataset.csrfToken;
  var warnSeconds = Number(body.dataset.sessionWarn);
  var timer = null;
  var banner = null;

  function minutes(seconds) {
    var count = Math.max(1, Math.round(seconds / 60));
    return count + (count === 1 ? " minute" : " minutes");
  }

  function show(text, withButton) {
    if (!banner) {
      banner = document.createElement("div");
      banner.className = "flash flash-warning session-warning";
      banner.setAttribute("role", "alert");
      banner.style.position = "sticky";
      banner.style.top = "0";
      banner.style.zIndex = "10";
      var main = document.getElementById("main") || body;
      main.insertBefore(banner, main.firstChild);
    }
    banner.textContent = "";
    var message = document.createElement("p");
    message.textContent = text;
    banner.appendChild(message);
    if (withButton) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.textContent = "Stay signed in";
      button.addEventListener("click", keepAlive);
      banner.appendChild(button);
      button.focus();
    }
  }

  function hide() {
    if (banner) { banner.remove(); banner = null; }
  }

  function expired() {
    clearTimeout(timer);
    show("You have been signed out because nothing happened for a while. What you typed is " +
      "still on this page: send the form as usual and the next page lets you copy it " +
      "before you sign in again.", false);
  }

  function schedule(state) {
    clearTimeout(timer);
    var left = state.seconds_left;
    if (left <= 0) { expired(); return; }
    if (left > warnSeconds) {
      hide();
      timer = setTimeout(check, (left - warnSeconds) * 1000);
      return;
    }
    if (state.limit === "absolute") {
      show("For security, sign-ins end after a few hours: you will be signed out in about " +
        minutes(left) + ". Save your work now.", false);
    } else {
      show("You will be signed out in about " + minutes(left) + " because nothing has " +
        "happened for a while. What you typed stays on this page.", true);
    }
    timer = setTimeout(check, Math.min(left, 30) * 1000);
  }

  function answer(response) {
    var type = response.headers.get("Content-Type") || "";
    if (!response.ok || type.indexOf("json") === -1) { return null; }
    return response.json();
  }

  function check() {
    // Asks the server: another tab may have kept the session alive meanwhile.
    fetch(statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(answer)
      .then(function (state) { if (state) { schedule(state); } else { expired(); } })
      .catch(function () { timer = setTimeout(check, 30000); });
  }

  function keepAlive() {
    fetch(keepaliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken },
    })
      .then(answer)
      .then(function (state) { if (state) { schedule(state); } else { expired(); } })
      .catch(function () { show("Could not reach the server. Check your connection.", true); });
  }

  schedule({ seconds_left: Number(body.dataset.sessionSeconds), limit: body.dataset.sessionLimit });
}());
