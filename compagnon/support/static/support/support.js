/* Support requests on the phone (support/new.html, support/request.html).
 *
 * - What the member types in a form[data-support-draft] is kept on this phone (localStorage, under
 *   the form's key, which starts with "compagnon:document:" so that logging out empties it like the
 *   other drafts of core/offline.js) and put back when the page opens again with the form empty —
 *   after a lost network, a closed tab, a crash. The copy keeps the form's client_key: sent again,
 *   the request or message is stored once.
 * - A page that shows what was received (data-support-received: the client keys of the reader's
 *   posts) drops the copies of what arrived.
 * - Without network, "Send" puts the form in the offline queue of core/offline.js (kind
 *   "support": its fields, the files in IndexedDB), sent when the network is back; the view answers
 *   JSON to such a queued post.
 * - On the staff side, "Insert" puts the chosen canned answer at the cursor of the answer box
 *   (without JavaScript the button reloads the page with the answer in the box).
 * Every text comes from data-* attributes, translated by Django.
 */
(function () {
  "use strict";

  var PREFIX = "compagnon:document:support:";

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function read(key) {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function drop(key) {
    try { localStorage.removeItem(key); } catch (e) { /* private mode */ }
  }

  function fill(template, values) {
    return (template || "").replace(/%\((\w+)\)s/g, function (m, name) { return values[name] == null ? "" : values[name]; });
  }

  // --- the copy kept on the phone ---------------------------------------------------------------
  function capture(form) {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "file" || el.type === "submit") return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      fields[el.name] = el.value;
    });
    return fields;
  }

  function typed(fields) {
    return Object.keys(fields).some(function (name) {
      return (name === "body" || name === "subject") && String(fields[name]).trim();
    });
  }

  function keep(form) {
    var fields = capture(form);
    var key = form.dataset.supportDraft;
    if (!typed(fields)) { drop(key); return; }
    try {
      localStorage.setItem(key, JSON.stringify({ savedAt: Date.now(), key: fields.client_key || "", fields: fields }));
    } catch (e) { /* full or private mode: the form still works */ }
  }

  function restore(form, kept) {
    Object.keys(kept.fields).forEach(function (name) {
      var els = form.querySelectorAll("[name='" + name + "']");
      Array.prototype.forEach.call(els, function (el) {
        if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === kept.fields[name];
        else el.value = kept.fields[name];
      });
    });
  }

  function note(form, text, cls) {
    var box = form.querySelector("[data-support-note]");
    if (!box || !text) return;
    box.textContent = text;
    box.className = "msg " + (cls || "info");
    box.hidden = false;
  }

  function forgetReceived() {
    var holder = document.querySelector("[data-support-received]");
    var received = holder ? holder.dataset.supportReceived.split(" ").filter(Boolean) : [];
    if (!received.length) return;
    try {
      Object.keys(localStorage).forEach(function (k) {
        if (k.indexOf(PREFIX) !== 0) return;
        var kept = read(k);
        if (kept && received.indexOf(kept.key) >= 0) drop(k);
      });
    } catch (e) { /* ignore */ }
  }

  // --- sending without network -------------------------------------------------------------------
  function queue(form, event) {
    var q = window.CompagnonQueue;
    if (!q || !q.add || !q.putFile) return;  // no queue on this page: the browser posts as usual
    event.preventDefault();
    var keyField = form.elements.client_key;
    if (keyField && !keyField.value) keyField.value = uuid();
    var id = keyField ? keyField.value : uuid();
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") fields.push([name, value]);
    });
    var body = form.elements.body ? form.elements.body.value.trim() : "";
    var label = fill(form.dataset.queuedLabel, { what: body.length > 60 ? body.slice(0, 59) + "…" : body });
    var files = form.elements.attachments && form.elements.attachments.files ? Array.prototype.slice.call(form.elements.attachments.files) : [];
    var stored = Promise.all(files.map(function (file, i) { return q.putFile(id + ":" + i, file, file.name); }));
    stored.then(function (keys) {
      var item = { id: id, kind: "support", url: form.getAttribute("action"), fields: fields, label: label };
      if (keys.length) item.files = keys.map(function (k) { return ["attachments", k]; });
      q.add(item);
      drop(form.dataset.supportDraft);
      form.reset();
      if (keyField) keyField.value = uuid();
      note(form, form.dataset.queuedText, "warning");
    }, function () { form.submit(); });
  }

  function initForm(form) {
    var key = form.dataset.supportDraft;
    var kept = read(key);
    var bound = !!form.querySelector(".msg.error");  // sent back with an error: the server's copy wins
    if (kept && kept.fields && !bound && !typed(capture(form))) {
      restore(form, kept);
      note(form, form.dataset.restored);
    }
    var timer = null;
    function later() { clearTimeout(timer); timer = setTimeout(function () { keep(form); }, 400); }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", function (e) {
      keep(form);  // until the next page says it arrived
      if (navigator.onLine === false && form.hasAttribute("data-support-queue")) queue(form, e);
    });
  }

  // --- canned answers ------------------------------------------------------------------------------
  function insertCanned(button) {
    var picker = button.closest("[data-canned]");
    var select = picker && picker.querySelector("select");
    var target = document.getElementById(button.dataset.cannedInsert);
    if (!select || !target) return false;
    var option = select.options[select.selectedIndex];
    var text = option ? option.dataset.text || "" : "";
    var start = target.selectionStart == null ? target.value.length : target.selectionStart;
    var end = target.selectionEnd == null ? start : target.selectionEnd;
    target.value = target.value.slice(0, start) + text + target.value.slice(end);
    target.focus();
    target.selectionStart = target.selectionEnd = start + text.length;
    target.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  }

  function init() {
    forgetReceived();
    document.querySelectorAll("form[data-support-draft]").forEach(initForm);
    document.addEventListener("click", function (e) {
      var button = e.target.closest && e.target.closest("[data-canned-insert]");
      if (button && insertCanned(button)) e.preventDefault();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
