/* The expense claim form on the phone (expenses/claim_form.html).
 * - Shows the fields of the kind chosen (receipt, trip, meal allowance).
 * - A PDF chosen as receipt is sent to the suggestion URL: a Factur-X invoice fills date, supplier,
 *   amount and VAT, which the member checks (nothing is read from photos: no OCR).
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

  function suggest(form, file) {
    if (!file || file.type !== "application/pdf" || navigator.onLine === false) return;
    var data = new FormData();
    data.append("receipt", file);
    data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    fetch(form.dataset.suggest, { method: "POST", body: data, credentials: "same-origin",
                                  headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) {
        var s = answer && answer.suggestion;
        if (!s) return;
        var f = form.elements;
        if (s.date) f.date.value = s.date;
        if (s.supplier) f.supplier.value = s.supplier;
        if (s.amount) f.amount.value = s.amount;
        (s.vat || []).slice(0, 3).forEach(function (v, i) {
          f["vat_rate_" + i].value = v.rate;
          f["vat_amount_" + i].value = v.tax_amount;
        });
        var note = form.querySelector("[data-suggested]");
        note.textContent = form.dataset.suggestedText;
        note.hidden = false;
      })
      .catch(function () { /* no suggestion: the member types */ });
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
