/* Compagnon — a visit on the phone (interventions/visit.html): check-in and check-out, the
 * intervention sheet, photos, the client's signature drawn on the screen, validation.
 *
 * Everything goes through the offline queue of core/static/core/offline.js (window.CompagnonQueue):
 * with or without network, what the member does is queued with a key made here (a UUID for
 * presences and photos: the server stores each once) and sent at once when there is a network,
 * later otherwise. The queue keeps the order: check-in, sheet, photos, signature, check-out,
 * validation. Photos wait in IndexedDB (CompagnonQueue.putFile). The sheet is sent with the
 * version it started from and this page's editing key: when it changed elsewhere the server
 * answers 409 and this page shows both choices. Texts come from data-* of #iv-visit.
 */
(function () {
  "use strict";

  var root = document.getElementById("iv-visit");
  var Q = window.CompagnonQueue;
  if (!root || !Q) return;
  var t = root.dataset;
  var user = t.user;
  var sheetId = t.sheet || "";
  var CONSENT_KEY = "compagnon:interventions:consent:" + user;

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (m, name) { return values[name] == null ? "" : values[name]; });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function hhmm(date) {
    return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
  }

  // what this person has waiting in the queue (read only: the queue owns it)
  function queued() {
    try {
      return (JSON.parse(localStorage.getItem("compagnon:queue") || "[]") || []).filter(function (i) { return i.user === user; });
    } catch (e) { return []; }
  }

  function fieldsOf(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") fields.push([name, value]);
    });
    return fields;
  }

  function send(item) {
    item.open = t.visitUrl;
    Q.add(item);
    Q.flush();
  }

  // --- position consent: asked once, remembered on the phone and on the server ------------------
  function consent() {
    var here = null;
    try { here = localStorage.getItem(CONSENT_KEY); } catch (e) { /* private mode */ }
    return t.consent || here || "";
  }

  function askConsent() {
    var box = document.querySelector("[data-consent-ask]");
    return new Promise(function (resolve) {
      if (!box) { resolve("no"); return; }
      box.hidden = false;
      box.querySelector("button").focus();
      box.querySelectorAll("[data-consent-answer]").forEach(function (button) {
        button.addEventListener("click", function () {
          var answer = button.dataset.consentAnswer;
          box.hidden = true;
          try { localStorage.setItem(CONSENT_KEY, answer); } catch (e) { /* ignore */ }
          t.consent = answer;
          Q.add({ id: "iv-consent-" + user, kind: "iv-consent", url: t.consentUrl, label: t.consentLabel,
                  fields: [["allowed", answer], ["visit", t.visit]] });
          resolve(answer);
        }, { once: true });
      });
    });
  }

  function position() {
    return new Promise(function (resolve) {
      if (consent() !== "yes" || !navigator.geolocation) { resolve(null); return; }
      navigator.geolocation.getCurrentPosition(function (p) { resolve(p.coords); }, function () { resolve(null); },
        { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 });
    });
  }

  // --- check-in and check-out --------------------------------------------------------------------
  var presenceForm = document.querySelector("form[data-iv-presence]");
  var list = document.querySelector("[data-presences]");

  function showPresence(kind, at, waiting) {
    if (!list) return;
    var none = list.querySelector("[data-none]");
    if (none) none.remove();
    var li = document.createElement("li");
    li.textContent = fill(kind === "in" ? t.inDone : t.outDone, { time: hhmm(at) }) + (waiting ? " " + t.waiting : "");
    if (waiting) li.className = "iv-waiting";
    list.appendChild(li);
  }

  function setButton(kind) {
    if (!presenceForm) return;
    presenceForm.elements.kind.value = kind;
    presenceForm.querySelector("button").textContent = kind === "in" ? t.checkIn : t.checkOut;
    t.checkedIn = kind === "out" ? "1" : "";
  }

  function fillMinutes() {
    var minutes = document.getElementById("iv-minutes");
    if (!minutes || minutes.value) return;
    var total = 0, since = null;
    pendingPresences().forEach(function (p) {
      if (p.kind === "in") since = p.at;
      else if (since) { total += Math.max(0, Math.round((p.at - since) / 60000)); since = null; }
    });
    if (total > 0) { minutes.value = String(total); saveSheet(); }
  }

  function pendingPresences() {
    return queued().filter(function (i) { return i.kind === "iv-presence" && i.visit === t.visit; }).map(function (i) {
      var f = {};
      i.fields.forEach(function (pair) { f[pair[0]] = pair[1]; });
      return { kind: f.kind, at: new Date(f.at) };
    });
  }

  if (presenceForm) {
    presenceForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var button = presenceForm.querySelector("button");
      if (button.disabled) return;
      button.disabled = true;
      var kind = presenceForm.elements.kind.value;
      var at = new Date();
      (consent() ? Promise.resolve(consent()) : askConsent()).then(position).then(function (coords) {
        var id = uuid();
        var fields = [["kind", kind], ["at", at.toISOString()], ["client_uuid", id]];
        if (coords) {
          fields.push(["latitude", coords.latitude.toFixed(6)], ["longitude", coords.longitude.toFixed(6)],
                      ["accuracy_m", String(Math.round(coords.accuracy || 0))]);
        }
        send({ id: id, kind: "iv-presence", visit: t.visit, url: presenceForm.getAttribute("action"), fields: fields,
               label: fill(kind === "in" ? t.inLabel : t.outLabel, { time: hhmm(at) }) });
        showPresence(kind, at, true);
        setButton(kind === "in" ? "out" : "in");
        if (kind === "out") fillMinutes();
        button.disabled = false;
      });
    });
    // presences kept on this phone and not sent yet (page opened again before the network)
    pendingPresences().forEach(function (p) { showPresence(p.kind, p.at, true); setButton(p.kind === "in" ? "out" : "in"); });
  }

  // --- the sheet -----------------------------------------------------------------------------------
  var sheetForm = document.querySelector("form[data-iv-sheet]");
  var sheetKey = "iv-sheet-" + sheetId;
  var timer = null;

  function saveSheet() {
    if (!sheetForm || sheetForm.dataset.locked) return;
    clearTimeout(timer);
    send({ id: sheetKey, kind: "iv-sheet", url: sheetForm.getAttribute("action"), fields: fieldsOf(sheetForm), label: t.sheetLabel });
    var state = sheetForm.querySelector("[data-sheet-state]");
    if (state) state.textContent = t.savedHere;
  }

  function restore(form, fields) {
    var values = {};
    fields.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken") return;
      var given = values[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") { el.checked = given.indexOf(el.value) >= 0; return; }
      if (!(el.name in values)) return;
      var index = Array.prototype.filter.call(form.elements, function (o) { return o.name === el.name; }).indexOf(el);
      if (index < given.length) el.value = given[index];
    });
  }

  function showConflict(item) {
    var box = document.querySelector("[data-conflict]");
    if (!box || !item) return;
    box.hidden = false;
    box.querySelector("[data-conflict-mine]").onclick = function () {
      var fields = item.fields.map(function (pair) { return pair[0] === "base" ? ["base", t.version] : pair; });
      box.hidden = true;
      send({ id: sheetKey, kind: "iv-sheet", url: item.url, fields: fields, label: item.label, state: "waiting" });
    };
    box.querySelector("[data-conflict-drop]").onclick = function () {
      Q.remove(sheetKey);
      window.location.reload();
    };
  }

  if (sheetForm) {
    var kept = queued().filter(function (i) { return i.id === sheetKey; })[0];
    if (kept) {
      if (kept.state === "conflict") showConflict(kept); else restore(sheetForm, kept.fields);
    }
    sheetForm.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(saveSheet, 700); });
    sheetForm.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(saveSheet, 300); });
    sheetForm.addEventListener("submit", function (e) { e.preventDefault(); saveSheet(); });
    setInterval(function () {
      var item = queued().filter(function (i) { return i.id === sheetKey; })[0];
      if (item && item.state === "conflict") showConflict(item);
    }, 2000);
  }

  // --- photos ---------------------------------------------------------------------------------------
  var photoForm = document.querySelector("form[data-iv-photo]");
  var gallery = document.querySelector("[data-photos]");

  function preview(file, kindLabel) {
    if (!gallery || !window.FileReader) return;
    var reader = new FileReader();
    reader.onload = function () {
      var li = document.createElement("li");
      li.className = "iv-waiting";
      var img = document.createElement("img");
      img.src = reader.result;  // a data: URL (the CSP allows data: images, not blob:)
      img.alt = kindLabel;
      img.width = 96; img.height = 96;
      var span = document.createElement("span");
      span.className = "small";
      span.textContent = kindLabel + " " + t.waiting;
      li.appendChild(img); li.appendChild(span);
      gallery.appendChild(li);
    };
    reader.readAsDataURL(file);
  }

  if (photoForm) {
    var input = photoForm.elements.file;
    input.addEventListener("change", function () {
      var kind = photoForm.querySelector("input[name='kind']:checked");
      var kindValue = kind ? kind.value : "before";
      var kindLabel = kind ? kind.parentNode.textContent.trim() : "";
      Array.prototype.forEach.call(input.files, function (file) {
        var id = uuid();
        Q.putFile(id, file, file.name || "photo.jpg").then(function () {
          send({ id: id, kind: "iv-photo", url: photoForm.getAttribute("action"), label: t.photoLabel,
                 fields: [["client_uuid", id], ["kind", kindValue]], files: [["file", id]] });
        }, function () {
          photoForm.submit();  // no IndexedDB on this phone: the plain form, online only
        });
        preview(file, kindLabel);
      });
      input.value = "";
    });
  }

  // --- the client's signature on the screen ---------------------------------------------------------
  var signForm = document.querySelector("form[data-iv-sign]");
  if (signForm) {
    var pad = signForm.querySelector("[data-pad]");
    var ctx = pad.getContext("2d");
    var strokes = [], current = null;
    ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111";

    function point(e) {
      var box = pad.getBoundingClientRect();
      return [Math.round((e.clientX - box.left) * pad.width / box.width * 10) / 10,
              Math.round((e.clientY - box.top) * pad.height / box.height * 10) / 10];
    }
    pad.addEventListener("pointerdown", function (e) {
      e.preventDefault();
      pad.setPointerCapture(e.pointerId);
      current = [point(e)];
      strokes.push(current);
      ctx.beginPath();
      ctx.moveTo(current[0][0], current[0][1]);
    });
    pad.addEventListener("pointermove", function (e) {
      if (!current) return;
      var p = point(e);
      current.push(p);
      ctx.lineTo(p[0], p[1]);
      ctx.stroke();
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      pad.addEventListener(name, function () { current = null; });
    });
    signForm.querySelector("[data-pad-clear]").addEventListener("click", function () {
      strokes = [];
      ctx.clearRect(0, 0, pad.width, pad.height);
    });
    signForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var state = sheetForm && sheetForm.querySelector("[data-sheet-state]");
      var points = strokes.reduce(function (n, s) { return n + s.length; }, 0);
      if (points < 2) { window.alert(t.noDrawing); return; }
      if (!signForm.elements.signed_by.value.trim()) { window.alert(t.noName); signForm.elements.signed_by.focus(); return; }
      signForm.elements.strokes.value = JSON.stringify(strokes);
      signForm.elements.width.value = String(pad.width);
      signForm.elements.height.value = String(pad.height);
      send({ id: "iv-sign-" + sheetId, kind: "iv-sign", url: signForm.getAttribute("action"), fields: fieldsOf(signForm),
             label: t.signLabel });
      var later = sheetForm && sheetForm.elements.client_signs_later;
      if (later && later.checked) { later.checked = false; saveSheet(); }
      signForm.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      pad.classList.add("iv-done");
      if (state) state.textContent = t.signedHere;
      var note = document.createElement("p");
      note.className = "msg success";
      note.setAttribute("role", "status");
      note.textContent = t.signedHere;
      signForm.appendChild(note);
    });
  }

  // --- validation ---------------------------------------------------------------------------------
  var validateForm = document.querySelector("form[data-iv-validate]");
  if (validateForm) {
    validateForm.addEventListener("submit", function (e) {
      e.preventDefault();
      fillMinutes();
      saveSheet();  // what is on screen goes first
      send({ id: "iv-validate-" + sheetId, kind: "iv-validate", url: validateForm.getAttribute("action"), fields: [],
             label: t.validateLabel });
      if (sheetForm) {
        sheetForm.dataset.locked = "1";
        Array.prototype.forEach.call(sheetForm.elements, function (el) { el.disabled = true; });
      }
      validateForm.querySelector("button").disabled = true;
      var note = document.createElement("p");
      note.className = "msg success";
      note.setAttribute("role", "status");
      note.textContent = t.validatedHere;
      validateForm.appendChild(note);
    });
    if (queued().some(function (i) { return i.id === "iv-validate-" + sheetId; })) {
      validateForm.querySelector("button").disabled = true;
    }
  }
})();
