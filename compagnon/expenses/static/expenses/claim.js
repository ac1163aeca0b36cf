/* The expense claim form on the phone (expenses/claim_form.html).
 * - Shows the fields of the kind chosen (receipt, trip, meal allowance).
 * - The receipt chosen (photo or PDF) is sent to the suggestion URL: a Factur-X invoice fills date,
 *   supplier, amount and VAT at once; a photo or another PDF is read in the background (OCR on the
 *   server's worker) and the answer is polled every 2 s. Only fields the member has not typed in
 *   are filled; the member checks them and sends.
 * - Without network, "Send" keeps the claim on the phone: its fields in the offline queue
 *   (core/offline.js), the photo in IndexedDB; it is sent when the network is back, once (client_key).
 */
(function () {
  "use strict";

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (m, name) { return values[name] == null ? "" : values[name]; });
  }

  function showKind(form) {
    var checked = form.querySelector("input[name='kind']:checked");
    var kind = checked ? checked.value : "receipt";
    form.querySelectorAll("fieldset[data-for]").forEach(function (set) { set.hidden = set.dataset.for !== kind; });
  }

  // a field the member typed in is never filled by a suggestion
  function put(field, value) {
    if (!field || value == null || value === "" || field.dataset.typed) return false;
    if (field.type !== "date" && field.value) return false;
    field.value = value;
    return true;
  }

  function say(form, text, kind) {
    var note = form.querySelector("[data-suggested]");
    note.textContent = text;
    note.className = "msg " + (kind || "success");
    note.hidden = !text;
  }

  function fillFacturx(form, s) {
    var f = form.elements;
    put(f.date, s.date);
    put(f.supplier, s.supplier);
    put(f.amount, s.amount);
    (s.vat || []).slice(0, 3).forEach(function (v, i) {
      if (put(f["vat_rate_" + i], v.rate)) f["vat_amount_" + i].value = v.tax_amount;
    });
    say(form, form.dataset.suggestedText);
  }

  function fillReading(form, r) {
    var f = form.elements;
    var any = [put(f.date, r.issue_date), put(f.supplier, r.supplier_name), put(f.amount, r.total_incl_vat)];
    (r.vat_lines || []).slice(0, 3).forEach(function (v, i) {
      if (put(f["vat_rate_" + i], v.rate)) { f["vat_amount_" + i].value = v.vat; any.push(true); }
    });
    say(form, any.indexOf(true) >= 0 ? form.dataset.readText : form.dataset.typedText);
  }

  function poll(form, url, tries, token) {
    if (form.dataset.readingToken !== token) return;  // another file was chosen since
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) {
        if (form.dataset.readingToken !== token) return;
        if (!answer) { say(form, form.dataset.unreadText, "warning"); return; }
        if (answer.state === "pending") {
          if (tries > 0) setTimeout(function () { poll(form, url, tries - 1, token); }, 2000);
          else say(form, form.dataset.unreadText, "warning");
          return;
        }
        if (answer.state === "done" && answer.reading) fillReading(form, answer.reading);
        else say(form, form.dataset.unreadText, "warning");
      })
      .catch(function () { say(form, "", ""); });
  }

  // what is sent for reading: a photo scaled down on the phone (at most 1600 px, what the server
  // reads anyway: a tenth of the bytes on a slow network); the original goes with the claim
  var READ_PX = 1600;
  function smaller(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, READ_PX / Math.max(bitmap.width, bitmap.height));
      if (scale === 1) return file;
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) { resolve(blob || file); }, "image/jpeg", 0.92);
      });
    }).catch(function () { return file; });
  }

  function suggest(form, file) {
    if (!file || navigator.onLine === false) return;
    var token = String(Date.now());
    form.dataset.readingToken = token;
    if (file.type !== "application/pdf") say(form, form.dataset.readingText, "info");
    smaller(file).then(function (sent) {
      var data = new FormData();
      data.append("receipt", sent, file.name);
      data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
      return fetch(form.dataset.suggest, { method: "POST", body: data, credentials: "same-origin",
                                           headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value } });
    })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) {
        if (!answer || form.dataset.readingToken !== token) return;
        if (answer.suggestion) fillFacturx(form, answer.suggestion);
        else if (answer.reading) { say(form, form.dataset.readingText, "info"); poll(form, answer.reading, 60, token); }
        else if (answer.off) say(form, form.dataset.offText, "info");
        else say(form, "", "");
      })
      .catch(function () { say(form, "", ""); /* no suggestion: the member types */ });
  }

  function queue(form, e) {
    if (!window.CompagnonQueue || !window.CompagnonQueue.putFile) return;  // the page posts as usual
    e.preventDefault();
    var f = form.elements;
    if (!f.client_key.value) f.client_key.value = uuid();
    var id = f.client_key.value;
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && name !== "receipt" && typeof value === "string") fields.push([name, value]);
    });
    fields.push(["submit", "1"]);
    var file = f.receipt && f.receipt.files && f.receipt.files[0];
    var item = { id: id, kind: "expense", url: form.getAttribute("action"), fields: fields,
                 label: fill(form.dataset.queuedLabel, { date: f.date.value, amount: f.amount.value || "" }) };
    var stored = file ? window.CompagnonQueue.putFile(id, file, file.name).then(function () {
      item.files = [["receipt", id]];
    }) : Promise.resolve();
    stored.then(function () {
      window.CompagnonQueue.add(item);
      form.reset();
      f.client_key.value = "";
      showKind(form);
      var box = document.getElementById("queue-status");
      if (box) { box.textContent = form.dataset.queuedText; box.className = "queue-status msg warning"; box.hidden = false; }
    }, function () { form.submit(); });
  }

  function init() {
    var form = document.querySelector("form[data-queue='expense']");
    if (!form) return;
    showKind(form);
    // the date starts as today on a new claim only: elsewhere (a saved claim, a form sent back
    // with an error) it is the member's, like every field they typed in
    if (form.dataset.fresh !== "1" && form.elements.date) form.elements.date.dataset.typed = "1";
    form.addEventListener("input", function (e) {
      if (e.isTrusted && e.target.name) e.target.dataset.typed = "1";
    });
    form.addEventListener("change", function (e) {
      if (e.target.name === "kind") showKind(form);
      if (e.target.name === "receipt") suggest(form, e.target.files && e.target.files[0]);
    });
    form.addEventListener("submit", function (e) {
      if (navigator.onLine === false) queue(form, e);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
