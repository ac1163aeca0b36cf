/* Compagnon — the app without network (loaded by base.html on every page).
 *
 * - Registers the service worker (/sw.js) and tells it, on each page, which static files the page
 *   uses and the page's language (it keeps those and the offline page, nothing personal).
 * - The queue: what was typed without network is kept on this phone (localStorage, tagged with
 *   the person's id: another person logging in on the same phone never sends it) and sent when the
 *   network is back: on the "online" event, on every page load, every few seconds while something
 *   waits, and when the worker's Background Sync fires. Kinds:
 *     time   a "log time" form (form[data-queue="time"]); its hidden client_key makes a form sent
 *            twice log one entry (timesheets.services.add_time_entry);
 *     new    "Create and fill in" on the new-document page: sent to /offline/new-document/ with a
 *            client_key, so the draft is created once (home/pwa.py);
 *     expense an expense claim (expenses/claim.js) with its receipt photo: the form's fields here,
 *            the photo in IndexedDB (item.files), joined again when it is sent; its client_key
 *            makes a claim sent twice one claim;
 *     draft  changes to a quote or invoice draft, kept by sales/editor.js under its storage key and
 *            sent to the autosave URL with the version they started from ("base"): the server
 *            answers 409 when the draft changed elsewhere, and the editor shows both.
 *   The header shows "N items waiting to send"; a tap lists them, with what went wrong. Nothing
 *   is dropped without the person saying so.
 * - Logout (the form posting to account_logout): sends what waits first, then empties the
 *   worker's caches and this phone's copies before the form goes; the logged-out page empties the
 *   caches again.
 * Every text comes from data-* attributes of #offline-strings (base.html), translated by Django.
 */
(function () {
  "use strict";

  var QUEUE_KEY = "compagnon:queue";
  var RETRY_MS = 8000;
  var t, user, retryTimer = null, flushing = null;

  // --- storage --------------------------------------------------------------------------------
  function load() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]") || []; } catch (e) { return []; }
  }

  function save(items) {
    try { localStorage.setItem(QUEUE_KEY, JSON.stringify(items)); } catch (e) { say(t.full); }
    render();
  }

  function mine() {
    return load().filter(function (item) { return item.user === user; });
  }

  function update(id, change) {
    save(load().map(function (item) {
      if (item.id !== id || item.user !== user) return item;
      Object.keys(change).forEach(function (k) { item[k] = change[k]; });
      return item;
    }));
  }

  function add(item) {
    item.user = user;
    item.state = item.state || "waiting";
    item.queuedAt = item.queuedAt || Date.now();
    var items = load().filter(function (other) { return !(other.id === item.id && other.user === user); });
    items.push(item);
    save(items);
    schedule();
  }

  function remove(id) {
    save(load().filter(function (item) { return !(item.id === id && item.user === user); }));
    dropFile(id);
  }

  // --- files of queued items (a receipt photo): IndexedDB, keyed by the item's id ---------------
  // localStorage holds text only; the photo waits in IndexedDB and joins the form when it is sent.
  var FILES_DB = "compagnon-files";

  function filesStore(mode) {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var open = indexedDB.open(FILES_DB, 1);
      open.onupgradeneeded = function () { open.result.createObjectStore("files"); };
      open.onerror = function () { reject(open.error); };
      open.onsuccess = function () { resolve(open.result.transaction("files", mode).objectStore("files")); };
    });
  }

  function putFile(key, blob, name) {
    return filesStore("readwrite").then(function (store) {
      return new Promise(function (resolve, reject) {
        var req = store.put({ blob: blob, name: name || "file", user: user }, key);
        req.onsuccess = function () { resolve(key); };
        req.onerror = function () { reject(req.error); };
      });
    });
  }

  function getFile(key) {
    return filesStore("readonly").then(function (store) {
      return new Promise(function (resolve, reject) {
        var req = store.get(key);
        req.onsuccess = function () { resolve(req.result || null); };
        req.onerror = function () { reject(req.error); };
      });
    });
  }

  function dropFile(key) {
    filesStore("readwrite").then(function (store) { store.delete(key); }).catch(function () { /* none */ });
  }

  // item.files: [[field name, file key]]; resolves to the form data, or null if a file is gone
  function withFiles(item, data) {
    return Promise.all(item.files.map(function (pair) { return getFile(pair[1]); })).then(function (found) {
      for (var i = 0; i < found.length; i++) {
        if (!found[i] || found[i].user !== user) return null;
        data.append(item.files[i][0], found[i].blob, found[i].name);
      }
      return data;
    });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function csrfToken() {
    var field = document.querySelector("input[name='csrfmiddlewaretoken']");
    if (field) return field.value;
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }

  // --- what the person sees -------------------------------------------------------------------
  function say(text, cls, link) {
    var box = document.getElementById("queue-status");
    if (!box || !text) return;
    box.textContent = text;
    if (link) {
      var a = document.createElement("a");
      a.href = link;
      a.className = "button secondary";
      a.textContent = t.open;
      box.appendChild(document.createTextNode(" "));
      box.appendChild(a);
    }
    box.className = "queue-status msg " + (cls || "");
    box.hidden = false;
    clearTimeout(say.timer);
    say.timer = setTimeout(function () { box.hidden = true; }, 8000);
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (m, name) { return values[name] == null ? "" : values[name]; });
  }

  function render() {
    var box = document.getElementById("queue");
    if (!box) return;
    var items = mine();
    box.hidden = items.length === 0;
    if (!items.length) { box.open = false; return; }
    var failed = items.filter(function (i) { return i.state !== "waiting"; }).length;
    box.classList.toggle("has-failed", failed > 0);
    box.querySelector("[data-queue-count]").textContent =
      fill(items.length === 1 ? t.pendingOne : t.pendingOther, { n: items.length });
    var list = box.querySelector("[data-queue-list]");
    list.innerHTML = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var what = document.createElement("p");
      what.className = "queue-what";
      what.textContent = item.label;
      li.appendChild(what);
      var state = document.createElement("p");
      state.className = "queue-state " + (item.state === "waiting" ? "muted" : "error");
      state.textContent = item.state === "waiting" ? (item.note || t.waiting) : item.note;
      li.appendChild(state);
      var actions = document.createElement("div");
      actions.className = "actions";
      if (item.open) {
        var open = document.createElement("a");
        open.className = "button secondary";
        open.href = item.open;
        open.textContent = t.open;
        actions.appendChild(open);
      }
      if (item.state !== "waiting") {
        var drop = document.createElement("button");
        drop.type = "button";
        drop.className = "secondary";
        drop.textContent = t.remove;
        drop.addEventListener("click", function () {
          if (window.confirm(t.removeConfirm)) {
            remove(item.id);
            if (item.storageKey) try { localStorage.removeItem(item.storageKey); } catch (e) { /* ignore */ }
          }
        });
        actions.appendChild(drop);
      }
      if (actions.children.length) li.appendChild(actions);
      list.appendChild(li);
    });
  }

  // --- sending ----------------------------------------------------------------------------------
  function body(item) {
    var data = new FormData();
    if (item.kind === "draft") {
      var kept;
      try { kept = JSON.parse(localStorage.getItem(item.storageKey) || "null"); } catch (e) { kept = null; }
      if (!kept) return null;  // sent by the editor meanwhile, or discarded there
      Object.keys(kept.header || {}).forEach(function (name) { data.append(name, kept.header[name]); });
      (kept.rows || []).forEach(function (row) {
        Object.keys(row).forEach(function (name) { data.append("line_" + name, row[name]); });
      });
      data.append("base", String(Math.floor((kept.base || 0) / 1000)));
    } else {
      item.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    }
    data.set("csrfmiddlewaretoken", csrfToken());
    return data;
  }

  function markConflict(item) {
    try {
      var kept = JSON.parse(localStorage.getItem(item.storageKey) || "null");
      if (kept) { kept.conflict = true; localStorage.setItem(item.storageKey, JSON.stringify(kept)); }
    } catch (e) { /* ignore */ }
  }

  // Send one item; resolves to "done", "kept" (try again later) or "stop" (no network).
  function send(item) {
    var data = body(item);
    if (!data) { remove(item.id); return Promise.resolve("done"); }
    if (!item.files) return post(item, data);
    return withFiles(item, data).then(function (full) {
      if (full) return post(item, full);
      update(item.id, { state: "failed", note: t.forbidden });  // the photo is gone from this phone
      return "kept";
    }, function () { return "kept"; });
  }

  function post(item, data) {
    var headers = { "X-CSRFToken": csrfToken(), "X-Compagnon-Queued": "1" };
    if (item.kind === "draft") headers["HX-Request"] = "true";  // the short answer, not the page
    return fetch(item.url, { method: "POST", body: data, headers: headers, credentials: "same-origin" })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("json") >= 0;
        if (response.redirected || (item.kind !== "draft" && response.ok && !json)) {
          update(item.id, { note: t.signin });  // the session is gone: the login page answered
          return "kept";
        }
        if (response.ok) {
          if (item.kind === "draft") {
            try { localStorage.removeItem(item.storageKey); } catch (e) { /* ignore */ }
            remove(item.id);
            say(fill(t.sent, { what: item.label }), "success");
            return "done";
          }
          return response.json().then(function (answer) {
            remove(item.id);
            say(fill(t.sent, { what: answer.message || item.label }), "success", (item.kind === "new" || item.kind === "expense") ? answer.url : null);
            refreshTimePage(item);
            return "done";
          });
        }
        if (response.status === 409) {
          markConflict(item);
          update(item.id, { state: "conflict", note: t.conflict });
          return "kept";
        }
        if (response.status === 400 && json) {
          return response.json().then(function (answer) {
            update(item.id, { state: "failed", note: fill(t.refused, { problems: (answer.errors || []).join(" ") }) });
            return "kept";
          });
        }
        if (response.status === 400 || response.status === 403 || response.status === 404) {
          update(item.id, { state: "failed", note: item.kind === "draft" ? t.refusedDraft : t.forbidden });
          return "kept";
        }
        update(item.id, { note: t.server });  // 5xx: the server is not well; later
        return "kept";
      }, function () { return "stop"; });
  }

  function flush() {
    if (flushing) return flushing;
    if (navigator.onLine === false) return Promise.resolve();
    var editor = document.getElementById("editor");
    var busyKey = editor ? editor.dataset.storageKey : null;  // the open editor sends its own
    var items = mine().filter(function (i) { return i.state === "waiting" && !(busyKey && i.storageKey === busyKey); });
    flushing = items.reduce(function (chain, item) {
      return chain.then(function (go) { return go === "stop" ? "stop" : send(item); });
    }, Promise.resolve("go")).then(function () { flushing = null; schedule(); }, function () { flushing = null; schedule(); });
    return flushing;
  }

  function schedule() {
    clearTimeout(retryTimer);
    if (mine().some(function (i) { return i.state === "waiting"; })) retryTimer = setTimeout(flush, RETRY_MS);
    if (navigator.serviceWorker && navigator.serviceWorker.ready && mine().length) {
      navigator.serviceWorker.ready.then(function (reg) {
        if (reg.sync) return reg.sync.register("compagnon-queue");
      }).catch(function () { /* Background Sync refused: the page retries itself */ });
    }
  }

  function refreshTimePage(item) {
    var app = document.getElementById("time-app");
    var form = app && app.querySelector("form[data-queue='time']");
    if (!form || form.getAttribute("action") !== item.url || !window.htmx) return;
    var typing = ["duration", "description"].some(function (n) { return form.elements[n] && form.elements[n].value.trim(); });
    if (!typing) htmx.ajax("GET", window.location.href, { target: "#time-app", select: "#time-app", swap: "outerHTML" });
  }

  // --- the "log time" form without network ------------------------------------------------------
  function queueTime(form) {
    var key = form.elements.client_key;
    if (key && !key.value) key.value = uuid();
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") fields.push([name, value]);
    });
    var f = form.elements;
    var label = fill(t.timeLabel, {
      duration: f.duration ? f.duration.value : "", description: f.description ? f.description.value : "",
      date: f.date ? f.date.value : "",
    });
    add({ id: key ? key.value : uuid(), kind: "time", url: form.getAttribute("action"), fields: fields, label: label });
    // ready for the next entry: same day and client, a new key
    if (f.duration) f.duration.value = "";
    if (f.description) f.description.value = "";
    if (key) key.value = uuid();
    say(t.queuedTime, "warning");
    if (f.duration) f.duration.focus();
  }

  // --- a new draft without network -------------------------------------------------------------
  function queueNew(form) {
    var f = form.elements;
    var client = form.querySelector("input[name='client']:checked");
    if (!client) { say(t.chooseClient, "error"); return; }
    var kind = form.querySelector("input[name='kind']:checked");
    var name = client.closest("label").querySelector("strong");
    var key = uuid();
    add({
      id: key, kind: "new", url: t.newQueued, label: fill(t.newLabel, { client: name ? name.textContent : "" }),
      fields: [["client_key", key], ["activity", f.activity ? f.activity.value : ""], ["client", client.value],
               ["kind", kind ? kind.value : "quote"]],
    });
    say(t.queuedNew, "warning");
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || navigator.onLine !== false) return;
    var time = form.matches("form[data-queue='time']");
    var fresh = form.getAttribute("action") === t.newDocument;
    if (!time && !fresh) return;
    e.preventDefault();
    e.stopImmediatePropagation();  // htmx listens on the form itself: it never sees it
    if (time) queueTime(form); else queueNew(form);
  }, true);

  document.addEventListener("htmx:sendError", function (e) {
    var form = e.detail.elt;
    if (form && form.matches && form.matches("form[data-queue='time']")) queueTime(form);
  });

  // --- logout -------------------------------------------------------------------------------------
  // withData: also this person's copies on the phone (logout, after they agreed); the logged-out
  // page only empties the caches (a session that expired must not lose what waits to be sent).
  function forgetEverything(withData) {
    var jobs = [];
    if (window.caches) {
      jobs.push(caches.keys().then(function (names) {
        return Promise.all(names.map(function (n) { return caches.delete(n); }));
      }));
    }
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "clear" });
    }
    if (!withData) return Promise.all(jobs).catch(function () { /* ignore */ });
    try {
      Object.keys(localStorage).forEach(function (k) {
        if (k.indexOf("compagnon:document:") === 0) localStorage.removeItem(k);
      });
      mine().forEach(function (i) { if (i.files) i.files.forEach(function (pair) { dropFile(pair[1]); }); });
      localStorage.setItem(QUEUE_KEY, JSON.stringify(load().filter(function (i) { return i.user !== user; })));
    } catch (e) { /* ignore */ }
    return Promise.all(jobs).catch(function () { /* ignore */ });
  }

  function isLogout(form) {
    return form.getAttribute && form.getAttribute("action") === t.logout && (form.method || "").toLowerCase() === "post";
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!isLogout(form) || form.dataset.cleared) return;
    e.preventDefault();
    if (navigator.onLine === false) { say(t.logoutOffline, "warning"); return; }
    flush().then(function () {
      if (mine().length && !window.confirm(t.logoutLoses)) return;
      return forgetEverything(true).then(function () {
        form.dataset.cleared = "1";
        form.submit();
      });
    });
  }, true);

  // --- start ------------------------------------------------------------------------------------
  function pageAssets() {
    var urls = [];
    document.querySelectorAll("script[src], link[rel='stylesheet'][href], link[rel='icon'][href]").forEach(function (el) {
      urls.push(el.src || el.href);
    });
    return urls;
  }

  function startWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(t.sw, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      if (!user) return;  // the logged-out pages keep nothing
      reg.active.postMessage({ type: "hello", lang: document.documentElement.lang, assets: pageAssets() });
    }).catch(function () { /* no worker (private mode, old browser): the app works online */ });
    navigator.serviceWorker.addEventListener("message", function (e) {
      if (e.data && e.data.type === "flush") flush();
    });
  }

  function init() {
    var strings = document.getElementById("offline-strings");
    if (!strings) return;
    t = strings.dataset;
    user = t.user || "";
    var box = document.getElementById("queue");
    var header = document.querySelector("header.top");
    if (box && header) header.insertBefore(box, header.querySelector(".menu, .lang") || null);
    if (!user) {
      forgetEverything(false);  // the logged-out page: nothing of the last person stays
    }
    startWorker();
    var send = document.querySelector("[data-queue-send]");
    if (send) send.addEventListener("click", function () {
      if (navigator.onLine === false) { say(t.stillOffline, "warning"); return; }
      save(mine().map(function (i) { i.state = "waiting"; return i; }).concat(load().filter(function (i) { return i.user !== user; })));
      flush();
    });
    window.addEventListener("online", function () { flush(); });
    window.addEventListener("storage", function (e) { if (e.key === QUEUE_KEY) render(); });
    render();
    if (user) flush();
  }

  window.CompagnonQueue = {
    add: function (item) { if (t) add(item); },
    remove: function (id) { if (t) remove(id); },
    putFile: function (key, blob, name) { return t ? putFile(key, blob, name) : Promise.reject(new Error("no queue")); },
    has: function (id) { return !!t && mine().some(function (i) { return i.id === id; }); },
    flush: function () { return t ? flush() : Promise.resolve(); },
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
