/* Writing a message (messaging/compose.html and conversation.html): what the member types survives
 * a lost network.
 *
 * - The draft: every keystroke keeps the text (subject, message, people chosen and the form's
 *   client_key) on this phone, under a key of the person and the conversation. Coming back to the
 *   page — after a failed sending, a reload, a closed tab — puts it back and says so. The key starts
 *   with "compagnon:document:" so that logging out (core/offline.js) removes it with the other drafts.
 * - Sending goes through fetch with "X-Compagnon-Queued: 1" (a short JSON answer): sent, the draft is
 *   dropped and the conversation opens; refused (400), the form is posted the ordinary way so the
 *   page shows what to correct; no network at all, the message joins the phone's queue
 *   (core/offline.js, window.CompagnonQueue, files in IndexedDB) and is sent by itself later.
 * - Sent twice, saved once: the draft keeps the form's client_key until the server has the message,
 *   so a message resent after a failure the phone could not see is not written twice. A page that
 *   says which key was just saved (data-sent) drops the draft that carried it.
 */
(function () {
  "use strict";

  var PREFIX = "compagnon:document:message:";

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (m, name) { return values[name] == null ? "" : values[name]; });
  }

  function read(key) {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function write(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full: the page still works */ }
  }

  function drop(key) {
    try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
  }

  // every draft of this person that carried the key the server just saved
  function dropSent(user, sent) {
    if (!sent) return;
    try {
      Object.keys(localStorage).forEach(function (k) {
        if (k.indexOf(PREFIX + user + ":") !== 0) return;
        var d = read(k);
        if (d && d.client_key === sent) drop(k);
      });
    } catch (e) { /* ignore */ }
  }

  function people(form) {
    var out = [];
    document.querySelectorAll("input[name='to'][form='" + form.id + "']:checked").forEach(function (box) {
      var label = box.closest("label");
      out.push([box.value, label ? label.textContent.trim() : box.value]);
    });
    return out;
  }

  function choose(form, chosen) {
    var box = document.getElementById("people");
    if (!box || !chosen) return;
    chosen.forEach(function (pair) {
      var found = box.querySelector("input[name='to'][value='" + pair[0] + "']");
      if (found) { found.checked = true; return; }
      var label = document.createElement("label");
      label.className = "check";
      var input = document.createElement("input");
      input.type = "checkbox"; input.name = "to"; input.value = pair[0]; input.checked = true;
      input.setAttribute("form", form.id);
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + pair[1]));
      box.insertBefore(label, box.firstChild);
    });
  }

  function say(form, text, kind) {
    var note = form.querySelector("[data-draft-note]");
    if (!note) return;
    note.textContent = text;
    note.className = "msg msg-draft " + (kind || "");
    note.hidden = !text;
  }

  function setup(form, user) {
    var f = form.elements;
    var key = PREFIX + user + ":" + form.dataset.messageForm;
    dropSent(user, form.dataset.sent);
    var kept = read(key);
    var typed = f.body && f.body.value.trim();
    if (kept && !typed && (kept.body || kept.subject)) {
      if (f.body) f.body.value = kept.body || "";
      if (f.subject && kept.subject) f.subject.value = kept.subject;
      if (kept.client_key && f.client_key) f.client_key.value = kept.client_key;
      choose(form, kept.to);
      say(form, form.dataset.restored, "warning");
    } else if (kept && typed && kept.client_key && f.client_key) {
      f.client_key.value = kept.client_key;  // the page came back with what was sent: same message
    }

    function save() {
      if (!f.client_key.value) f.client_key.value = uuid();
      var body = f.body ? f.body.value : "";
      var subject = f.subject ? f.subject.value : "";
      if (!body.trim() && !subject.trim()) { drop(key); return; }
      write(key, { body: body, subject: subject, client_key: f.client_key.value, to: people(form), at: Date.now() });
    }
    form.addEventListener("input", save);
    document.addEventListener("change", function (e) { if (e.target.name === "to") save(); });

    function queue() {
      var q = window.CompagnonQueue;
      var id = f.client_key.value;
      var fields = [];
      new FormData(form).forEach(function (value, name) {
        if (name !== "csrfmiddlewaretoken" && typeof value === "string") fields.push([name, value]);
      });
      var chosen = f.attachments && f.attachments.files ? Array.prototype.slice.call(f.attachments.files) : [];
      var item = { id: id, kind: "message", url: form.getAttribute("action"), fields: fields,
                   label: fill(form.dataset.queuedLabel, { text: (f.body.value || "").slice(0, 60) }) };
      var stored = Promise.all(chosen.map(function (file, i) {
        return q.putFile(id + ":" + i, file, file.name).then(function () { return ["attachments", id + ":" + i]; });
      }));
      return stored.then(function (pairs) {
        if (pairs.length) item.files = pairs;
        q.add(item);
        drop(key);
        form.reset();
        f.client_key.value = uuid();
        say(form, form.dataset.queued, "warning");
      });
    }

    var busy = false;
    form.addEventListener("submit", function (e) {
      if (!window.fetch || !window.FormData) return;  // the ordinary post
      e.preventDefault();
      if (busy) return;  // a double tap: one sending
      save();
      var button = form.querySelector("button[type='submit']");
      if (navigator.onLine === false && window.CompagnonQueue && window.CompagnonQueue.putFile) {
        queue().catch(function () { form.submit(); });
        return;
      }
      busy = true;
      if (button) { button.disabled = true; button.dataset.label = button.textContent; button.textContent = form.dataset.sending; }
      var data = new FormData(form);
      var token = f.csrfmiddlewaretoken ? f.csrfmiddlewaretoken.value : "";
      fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin",
                                           headers: { "X-CSRFToken": token, "X-Compagnon-Queued": "1" } })
        .then(function (response) {
          var json = (response.headers.get("Content-Type") || "").indexOf("json") >= 0;
          if (response.ok && json && !response.redirected) {
            return response.json().then(function (answer) {
              drop(key);
              window.location.href = answer.url + "#latest";
            });
          }
          form.submit();  // refused or logged out: the page says why; the draft stays on the phone
        }, function () {
          busy = false;
          if (button) { button.disabled = false; button.textContent = button.dataset.label; }
          if (window.CompagnonQueue && window.CompagnonQueue.putFile) return queue();
          say(form, form.dataset.restored, "warning");
        });
    });
  }

  function init() {
    var strings = document.getElementById("offline-strings");
    var user = strings ? strings.dataset.user : "";
    if (!user) return;
    document.querySelectorAll("form[data-message-form]").forEach(function (form) { setup(form, user); });
    var sentOnly = document.querySelector("[data-sent]");
    if (sentOnly && !sentOnly.matches("form[data-message-form]")) dropSent(user, sentOnly.dataset.sent);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
