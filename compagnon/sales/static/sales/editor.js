/* Compagnon — the draft editor of quotes and invoices.
 *
 * htmx posts the form to the autosave endpoint (debounced, see hx-trigger on #editor). This file:
 * - keeps a copy of the form in localStorage on every change, and offers to restore it when the
 *   page loads with a copy newer than what the server has (a save that never arrived);
 * - says when a save failed because the network is gone, and sends it again when it is back;
 * - adds, moves and removes line rows (new rows come from <template>s, so it works offline);
 * - lets validation answers (400) replace the totals and the error list like a success does;
 * - sends with every save the version of the draft it started from ("base", seconds): when the
 *   draft changed elsewhere meanwhile (another phone, browser or person) the server answers 409;
 *   the copy stays on this phone and the page offers both versions instead of overwriting;
 * - puts unsaved changes in the queue of core/static/core/offline.js while offline, so the header
 *   counts them and another page sends them if this one is closed.
 * Every text it shows comes from data-* attributes of #editor-strings and #offline-strings,
 * translated by Django.
 */
(function () {
  "use strict";

  function init() {
    var form = document.getElementById("editor");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    var lines = document.getElementById("lines");
    var t = document.getElementById("editor-strings").dataset;
    var q = (document.getElementById("offline-strings") || { dataset: {} }).dataset;
    var statusEl = document.getElementById("save-status");
    var offlineBanner = document.getElementById("offline-banner");
    var storageKey = form.dataset.storageKey;
    var serverUpdated = (Number(form.dataset.updated) || 0) * 1000;  // seconds since 1970 on the server
    var edits = 0;          // changes made on this page
    var sentEdits = -1;     // the value of `edits` when the last save was sent
    var dirty = false;      // a change the server has not confirmed
    var retryTimer = null;
    var afterSave = [];     // callbacks waiting for the next successful save
    var conflicted = false; // the server has a newer version: no more saves over it from here
    var queueId = "draft:" + storageKey;

    // --- the copy kept on the phone -----------------------------------------------------------
    function capture() {
      var header = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.name.indexOf("line_") === 0 || el.name === "csrfmiddlewaretoken" ||
            el.type === "submit" || el.type === "button" || el.hasAttribute("data-no-save")) return;
        header[el.name] = el.value;
      });
      var rows = Array.prototype.map.call(lines.querySelectorAll(".line"), function (fs) {
        var row = {};
        fs.querySelectorAll("[name^='line_']").forEach(function (el) { row[el.name.slice(5)] = el.value; });
        return row;
      });
      return { savedAt: Date.now(), base: serverUpdated, header: header, rows: rows };
    }

    function keep() {
      try { localStorage.setItem(storageKey, JSON.stringify(capture())); } catch (e) { /* private mode, full */ }
    }

    function forget() {
      try { localStorage.removeItem(storageKey); } catch (e) { /* ignore */ }
      if (window.CompagnonQueue) CompagnonQueue.remove(queueId);
    }

    // The header's "waiting to send" count; another page sends the copy if this one is closed.
    function enqueue(state, note) {
      if (!window.CompagnonQueue) return;
      var title = document.querySelector(".doc-title h1");
      var what = (title ? title.firstChild.textContent.trim() : document.title) +
        " · " + (document.querySelector(".doc-title .muted") || { textContent: "" }).textContent.split("·")[0].trim();
      CompagnonQueue.add({
        id: queueId, kind: "draft", url: form.getAttribute("action"), storageKey: storageKey,
        open: window.location.pathname, label: (q.draftLabel || "%(what)s").replace("%(what)s", what),
        state: state || "waiting", note: note || "",
      });
    }

    function readKept() {
      try { return JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (e) { return null; }
    }

    // --- rows -----------------------------------------------------------------------------------
    function newRow(kind) {
      var tpl = document.getElementById("tpl-line-" + kind) || document.getElementById("tpl-line-item");
      var key = "n" + Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
      var holder = document.createElement("div");
      holder.innerHTML = tpl.innerHTML.split("__KEY__").join(key).trim();
      return holder.firstElementChild;
    }

    function isBlank(fs) {
      var desc = fs.querySelector("[name='line_description']").value.trim();
      if (desc) return false;
      if (fs.dataset.kind !== "item") return true;
      var price = fs.querySelector("[name='line_unit_price']").value.trim().replace(",", ".");
      return !price || Number(price) === 0;
    }

    function renumber() {
      var n = 0;
      var rows = lines.querySelectorAll(".line");
      rows.forEach(function (fs, i) {
        var label = fs.querySelector(".line-no");
        if (isBlank(fs)) {
          label.textContent = t.newLine;
        } else {
          n += 1;
          label.textContent = t.lineN.replace("%(n)s", n);
        }
        fs.querySelector("[data-move='up']").disabled = i === 0;
        fs.querySelector("[data-move='down']").disabled = i === rows.length - 1;
      });
      var empty = document.querySelector(".no-lines");
      if (empty) empty.hidden = rows.length > 0;
    }

    function toggleExemption() {
      var field = document.getElementById("exemption-field");
      if (!field) return;
      var select = field.querySelector("select");
      var exempt = Array.prototype.some.call(lines.querySelectorAll("[name='line_vat']"), function (s) {
        return s.value && !/^[SZ]:/.test(s.value);
      });
      field.hidden = !(exempt || (select && select.value));
    }

    // A change that is not a keystroke (a row added, moved, removed): save it like one.
    function changed() {
      renumber();
      toggleExemption();
      form.dispatchEvent(new Event("input", { bubbles: true }));
    }

    // --- status ---------------------------------------------------------------------------------
    function setStatus(text, cls) {
      statusEl.innerHTML = "";
      var span = document.createElement("span");
      span.className = cls;
      span.textContent = text;
      statusEl.appendChild(span);
    }

    function offline(message) {
      offlineBanner.textContent = message;
      offlineBanner.hidden = false;
      setStatus(t.offlineShort, "st-error");
      clearTimeout(retryTimer);
      retryTimer = setTimeout(retry, 20000);
      keep();
      enqueue();
    }

    function retry() {
      if (dirty && !conflicted) htmx.trigger(form, "save-now");
    }

    // The draft changed elsewhere since this page got it: keep ours, save nothing over theirs.
    function conflict() {
      conflicted = true;
      clearTimeout(retryTimer);
      keep();
      var kept = readKept();
      if (kept) {
        kept.conflict = true;
        try { localStorage.setItem(storageKey, JSON.stringify(kept)); } catch (e) { /* ignore */ }
      }
      enqueue("conflict", q.conflict);
      offlineBanner.innerHTML = "";
      var p = document.createElement("p");
      p.textContent = q.conflictTitle;
      var see = document.createElement("button");
      see.type = "button";
      see.textContent = q.conflictTheirs;
      see.addEventListener("click", function () { window.location.reload(); });
      offlineBanner.appendChild(p);
      offlineBanner.appendChild(see);
      offlineBanner.hidden = false;
      setStatus(q.conflictTitle, "st-error");
    }

    window.addEventListener("online", retry);

    // --- listeners ------------------------------------------------------------------------------
    form.addEventListener("input", function (e) {
      if (e.target && e.target.hasAttribute && e.target.hasAttribute("data-no-save")) return;
      edits += 1;
      dirty = true;
      keep();
      if (e.target !== form) {  // our own "changed()" events have done this already
        if (e.target.closest && e.target.closest(".line")) renumber();
        if (e.target.name === "line_vat" || e.target.name === "exemption_code") toggleExemption();
      }
    });

    form.addEventListener("click", function (e) {
      var add = e.target.closest("[data-add-line]");
      if (add) {
        e.preventDefault();
        var fs = newRow(add.dataset.addLine);
        lines.appendChild(fs);
        changed();
        fs.querySelector("[name='line_description']").focus();
        return;
      }
      var move = e.target.closest("[data-move]");
      if (move) {
        var row = move.closest(".line");
        if (move.dataset.move === "up" && row.previousElementSibling) {
          lines.insertBefore(row, row.previousElementSibling);
        } else if (move.dataset.move === "down" && row.nextElementSibling) {
          lines.insertBefore(row.nextElementSibling, row);
        }
        changed();
        if (move.disabled) row.querySelector("[data-move]:not(:disabled)").focus(); else move.focus();
        return;
      }
      var remove = e.target.closest("[data-remove]");
      if (remove) {
        var gone = remove.closest(".line");
        var next = gone.nextElementSibling || gone.previousElementSibling;
        gone.remove();
        changed();
        var focusable = next ? next.querySelector("[name='line_description']") : document.querySelector("[data-add-line]");
        if (focusable) focusable.focus();
      }
    });

    // Enter in a field, or "Save now": save through htmx instead of reloading the page.
    form.addEventListener("submit", function (e) {
      var by = e.submitter;
      if (!by || by.hasAttribute("data-save")) {
        e.preventDefault();
        htmx.trigger(form, "save-now");
      }
    });

    // Links that show what is saved (preview, draft PDF): save what was just typed first.
    document.querySelectorAll("[data-save-first]").forEach(function (link) {
      link.addEventListener("click", function (e) {
        if (!dirty) return;
        e.preventDefault();
        afterSave.push(function () { window.location.href = link.href; });
        htmx.trigger(form, "save-now");
      });
    });

    form.addEventListener("htmx:configRequest", function (e) {
      if (e.detail.elt === form) e.detail.parameters.base = String(Math.floor(serverUpdated / 1000));
    });

    form.addEventListener("htmx:beforeRequest", function (e) {
      if (e.detail.elt !== form) return;
      if (conflicted) { e.preventDefault(); keep(); return; }
      sentEdits = edits;
      setStatus(t.saving, "st-busy");
    });

    // Validation problems come back as 400 with the totals and the error list: show them.
    function fromForm(e) {
      return e.detail.elt === form || (e.detail.requestConfig && e.detail.requestConfig.elt === form);
    }
    form.addEventListener("htmx:beforeOnLoad", function (e) {
      // An expected answer, not a crash: keep django-htmx's debug handler (DEBUG only) from
      // replacing the page with it. htmx itself goes on handling the response.
      if (fromForm(e) && e.detail.xhr.status === 400) e.stopPropagation();
    });
    form.addEventListener("htmx:beforeSwap", function (e) {
      if (fromForm(e) && e.detail.xhr.status === 400) {
        e.detail.shouldSwap = true;
        e.detail.isError = false;
      }
    });

    form.addEventListener("htmx:afterRequest", function (e) {
      if (e.detail.elt !== form) return;
      var status = e.detail.xhr ? e.detail.xhr.status : 0;
      if (status >= 200 && status < 300) {
        var stamp = statusEl.querySelector("[data-updated]");
        if (stamp) serverUpdated = Number(stamp.dataset.updated) * 1000;
        offlineBanner.hidden = true;
        clearTimeout(retryTimer);
        if (edits === sentEdits) {  // nothing typed meanwhile: the server has it all
          dirty = false;
          forget();
        } else {
          keep();  // what was typed meanwhile now starts from the version just saved
        }
        var waiting = afterSave;
        afterSave = [];
        waiting.forEach(function (fn) { fn(); });
      } else if (status === 400) {
        offlineBanner.hidden = true;
        afterSave = [];
      }
    });

    form.addEventListener("htmx:sendError", function (e) {
      if (e.detail.elt === form) offline(t.offline);
    });
    form.addEventListener("htmx:timeout", function (e) {
      if (e.detail.elt === form) offline(t.offline);
    });
    form.addEventListener("htmx:responseError", function (e) {
      if (e.detail.elt !== form) return;
      var status = e.detail.xhr.status;
      if (status === 409) {
        conflict();
      } else if (status === 403 || status === 404) {
        setStatus(t.forbidden, "st-error");
      } else {
        offline(status === 0 || status >= 502 ? t.offline : t.server);
      }
    });

    // A catalogue row arrived: number it and save.
    lines.addEventListener("htmx:afterSettle", function (e) {
      if (e.target !== lines) return;  // not the line amounts updated by a save
      var fs = lines.lastElementChild;
      if (!fs) return;
      fs.classList.add("just-added");
      setTimeout(function () { fs.classList.remove("just-added"); }, 1500);
      changed();
      var qty = fs.querySelector("[name='line_quantity']");
      if (qty) qty.focus();
    });
    document.body.addEventListener("htmx:sendError", function (e) {
      if (e.detail.elt !== form && e.detail.target === lines) offline(t.offline);
    });

    // --- restore a copy that never reached the server ------------------------------------------
    function restore(data) {
      Object.keys(data.header || {}).forEach(function (name) {
        var el = form.elements.namedItem(name);
        if (el && "value" in el && !(el instanceof RadioNodeList)) el.value = data.header[name];
      });
      lines.innerHTML = "";
      (data.rows || []).forEach(function (row) {
        var fs = newRow(row.kind || "item");
        Object.keys(row).forEach(function (name) {
          if (name === "key" || name === "kind") return;
          var el = fs.querySelector("[name='line_" + name + "']");
          if (el) el.value = row[name];
        });
        lines.appendChild(fs);
      });
      var more = document.querySelector(".editor .more");
      if (more) more.open = true;
      changed();
    }

    function same(a, b) {  // row keys differ once the server has numbered the rows
      function plain(c) {
        return JSON.stringify([c.header, (c.rows || []).map(function (r) {
          var o = {};
          Object.keys(r).sort().forEach(function (k) { if (k !== "key") o[k] = r[k]; });
          return o;
        })]);
      }
      return plain(a) === plain(b);
    }

    var kept = readKept();
    var banner = document.getElementById("restore-banner");
    // A copy kept here is what the server never confirmed. Started from an older version than the
    // server's (changed elsewhere meanwhile): a conflict, offered with the other version in view.
    var inConflict = kept && (kept.conflict || kept.base < serverUpdated);
    if (kept && same(kept, capture())) {
      forget();  // the server has exactly this
    } else if (kept) {
      banner.querySelector("[data-restore-time]").textContent = new Date(kept.savedAt).toLocaleString(document.documentElement.lang || undefined);
      if (inConflict && q.conflictTitle) {
        banner.querySelector("p").textContent = q.conflictTitle;
        document.getElementById("restore-yes").textContent = q.conflictKeep;
        banner.classList.add("conflict");
      }
      banner.hidden = false;
      document.getElementById("restore-yes").addEventListener("click", function () {
        banner.hidden = true;
        restore(kept);
      });
      document.getElementById("restore-no").addEventListener("click", function () {
        banner.hidden = true;
        forget();
      });
    }

    renumber();
    toggleExemption();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
