// Forms marked data-resend (the partner's entry form): a send that gets no answer is sent
// again, a few times, with the same body. A server process can die mid-request (a restart,
// a crash, a worker killed by its timeout) and a phone can lose its connection; without
// this the browser shows an error page and what the partner wrote is gone. The body holds
// the form's submission key, so a send the server did store before dying is stored once:
// the server answers the second try as "already saved".
// Without JavaScript, or without fetch, the form posts as usual.
(function () {
  "use strict";

  var WAITS = [1000, 2000, 4000, 8000]; // milliseconds before each new try
  var NO_ANSWER = [502, 503, 504]; // a proxy's "the app did not answer": try again too

  function wait(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function say(form, text) {
    var status = form.querySelector("[data-resend-status]");
    if (!status) {
      status = document.createElement("p");
      status.setAttribute("data-resend-status", "");
      status.setAttribute("role", "status");
      status.className = "resend-status";
      form.appendChild(status);
    }
    status.textContent = text;
  }

  function body(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    return new URLSearchParams(data);
  }

  function show(response) {
    if (response.redirected) {
      window.location.assign(response.url);
      return Promise.resolve();
    }
    return response.text().then(function (html) {
      // The server's page, as the browser would have shown it after a normal post.
      document.open();
      document.write(html);
      document.close();
    });
  }

  async function send(form, submitter) {
    var payload = body(form, submitter).toString();
    var buttons = form.querySelectorAll("button[type=submit]");
    buttons.forEach(function (button) { button.disabled = true; });
    for (var attempt = 0; ; attempt++) {
      var response = null;
      try {
        response = await fetch(form.action || window.location.href, {
          method: "POST",
          body: payload,
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          credentials: "same-origin",
        });
      } catch (error) {
        response = null; // no answer at all
      }
      var answered = response !== null && NO_ANSWER.indexOf(response.status) === -1;
      if (answered || attempt >= WAITS.length) {
        if (response !== null) return show(response);
        buttons.forEach(function (button) { button.disabled = false; });
        say(form, "Not sent yet: the connection dropped. What you wrote is still here; " +
          "press Send again when you are back online.");
        return;
      }
      say(form, "Still sending… (the connection was interrupted, trying again)");
      await wait(WAITS[attempt]);
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-resend")) return;
    if (event.defaultPrevented || !window.fetch || !window.URLSearchParams) return;
    event.preventDefault();
    send(form, event.submitter);
  });
})();
