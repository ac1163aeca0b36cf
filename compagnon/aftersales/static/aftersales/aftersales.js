/* After-sales forms of clients: what is typed is kept on the phone (localStorage) and put back if
   the page is left or the network lost; emptied once the server has accepted it (the next page
   carries data-as-sent). Without network, sending is held back and the client is told. */
(function () {
  "use strict";
  var PENDING = "compagnon:aftersales:pending";

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && ["file", "hidden", "password", "submit", "button"].indexOf(el.type) < 0 &&
        el.name !== "website" && el.name !== "csrfmiddlewaretoken";
    });
  }

  function read(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function save(form, key) {
    var data = {};
    fields(form).forEach(function (el) { data[el.name] = el.value; });
    try { window.localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full or off */ }
  }

  function note(form, text) {
    var p = form.querySelector("[data-as-note]");
    if (p && text) { p.textContent = text; p.hidden = false; }
  }

  if (document.querySelector("[data-as-sent]")) {
    try {
      var pending = window.sessionStorage.getItem(PENDING);
      if (pending) { window.localStorage.removeItem(pending); window.sessionStorage.removeItem(PENDING); }
    } catch (e) { /* ignore */ }
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-as-draft]"), function (form) {
    var key = form.getAttribute("data-as-draft");
    var saved = read(key);
    var hasErrors = !!document.querySelector(".msg.error");
    if (saved && !hasErrors) {
      var restored = false;
      fields(form).forEach(function (el) {
        var value = saved[el.name];
        if (value && value !== el.value && (el.tagName === "TEXTAREA" || el.tagName === "SELECT" || !el.value || el.type === "email" || el.type === "text")) {
          el.value = value;
          restored = true;
        }
      });
      if (restored) { note(form, form.getAttribute("data-restored")); }
    }
    form.addEventListener("input", function () { save(form, key); });
    form.addEventListener("change", function () { save(form, key); });
    form.addEventListener("submit", function (event) {
      save(form, key);
      if (navigator.onLine === false) {
        event.preventDefault();
        note(form, form.getAttribute("data-offline"));
        return;
      }
      try { window.sessionStorage.setItem(PENDING, key); } catch (e) { /* ignore */ }
    });
  });
})();
