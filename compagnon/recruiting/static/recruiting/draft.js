/* Keeps what an applicant types in the public form on their phone (localStorage) until the
   application is sent: a lost network or a closed tab loses nothing. Files and the hidden
   anti-spam fields are never kept. The page shown after sending clears the draft
   (data-clear-draft). No inline code: loaded with defer (CSP). */
(function () {
  "use strict";
  var store;
  try { store = window.localStorage; } catch (e) { return; }
  if (!store) { return; }
  document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
    store.removeItem("draft:" + el.getAttribute("data-clear-draft"));
  });
  var form = document.querySelector("form[data-keep-draft]");
  if (!form) { return; }
  var key = "draft:" + form.getAttribute("data-keep-draft");
  var skip = { csrfmiddlewaretoken: 1, started: 1, website: 1, call: 1 };
  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !skip[el.name] && el.type !== "file" && el.type !== "hidden" && el.type !== "submit";
    });
  }
  function save() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox") {
        data[el.name + "=" + el.value] = el.checked;
      } else {
        data[el.name] = el.value;
      }
    });
    try { store.setItem(key, JSON.stringify(data)); } catch (e) { /* full: keep going */ }
  }
  var saved = null;
  try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
  if (saved) {
    var anyChecked = fields().some(function (el) { return el.type === "checkbox" && el.checked; });
    fields().forEach(function (el) {
      if (el.type === "checkbox") {
        var k = el.name + "=" + el.value;
        if (!anyChecked && k in saved) { el.checked = !!saved[k]; }
      } else if (!el.value && saved[el.name]) {
        el.value = saved[el.name];
      }
    });
  }
  var note = form.querySelector("[data-draft-note]");
  if (note) { note.hidden = false; }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
})();
