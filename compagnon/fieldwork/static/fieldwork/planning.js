/* The sector's week: drag a visit onto a member's day to plan or move it (desktop). Posts the
   same form as the visit page's fallback (member, day, time) and shows the server's answer; no
   inline handler, nothing but this file (CSP). Without JavaScript, each card links to the visit's
   page, whose form does the same. */
(function () {
  "use strict";
  var grid = document.querySelector("[data-fw-planning]");
  if (!grid) return;
  var status = document.getElementById("fw-status");
  var token = grid.querySelector("input[name=csrfmiddlewaretoken]");
  var dragged = null;

  function say(text, bad) {
    if (!status) return;
    status.textContent = text;
    status.className = "fw-status msg " + (bad ? "error" : "success");
  }

  grid.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("[data-visit]");
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-visit"));
  });
  grid.addEventListener("dragend", function () { dragged = null; });

  function cellOf(event) {
    return event.target.closest && event.target.closest("[data-day][data-member]");
  }
  grid.addEventListener("dragover", function (event) {
    var cell = cellOf(event);
    if (!cell || !dragged) return;
    event.preventDefault();
    cell.classList.add("fw-drop-over");
  });
  grid.addEventListener("dragleave", function (event) {
    var cell = cellOf(event);
    if (cell) cell.classList.remove("fw-drop-over");
  });
  grid.addEventListener("drop", function (event) {
    var cell = cellOf(event);
    if (!cell || !dragged) return;
    event.preventDefault();
    cell.classList.remove("fw-drop-over");
    var card = dragged;
    var body = new URLSearchParams();
    body.set("member", cell.getAttribute("data-member"));
    body.set("day", cell.getAttribute("data-day"));
    body.set("time", card.getAttribute("data-time") || "");
    if (token) body.set("csrfmiddlewaretoken", token.value);
    say(grid.getAttribute("data-saving") || "…", false);
    fetch(card.getAttribute("data-plan-url"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"}
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    }).then(function (answer) {
      if (answer.ok) {
        cell.appendChild(card);
        card.classList.remove("fw-to-plan");
        say(answer.data.message, false);
      } else {
        say((answer.data.errors || []).join(" "), true);
      }
    }).catch(function () {
      say(grid.getAttribute("data-offline") || "", true);
    });
  });
})();
