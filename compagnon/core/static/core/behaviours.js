/* Small behaviours wired by data-* attributes, so that no template needs an inline event handler
   (the Content-Security-Policy forbids them). Loaded on every page (base.html, base_portal.html).

   <select data-autosubmit>                     submits its form when changed
   <button data-copy="ID" data-done="Copied">   copies the value of #ID, then shows data-done
   <iframe data-fit-content>                    grows to its (same-origin srcdoc) content's height
   <button data-term-toggle aria-controls="ID">  shows / hides #ID (a glossary hint), aria-expanded kept
*/
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) { el.form.submit(); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.dataset.copy);
    if (!source || !navigator.clipboard) { return; }
    navigator.clipboard.writeText(source.value || source.textContent).then(function () {
      if (button.dataset.done) { button.textContent = button.dataset.done; }
    });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-term-toggle]");
    if (!button) { return; }
    var target = document.getElementById(button.getAttribute("aria-controls"));
    if (!target) { return; }
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    target.hidden = !open;
  });
  function fit(frame) {
    try { frame.style.height = frame.contentDocument.documentElement.scrollHeight + 2 + "px"; } catch (e) { /* not ready */ }
  }
  function fitAll() { document.querySelectorAll("iframe[data-fit-content]").forEach(fit); }
  document.addEventListener("load", function (event) {
    if (event.target.matches && event.target.matches("iframe[data-fit-content]")) { fit(event.target); }
  }, true);
  window.addEventListener("resize", fitAll);
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", fitAll); } else { fitAll(); }
})();
