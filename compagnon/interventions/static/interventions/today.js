/* Compagnon — today's visits readable without network (interventions/today.html).
 *
 * With a network, this page puts a copy of itself and of today's visit pages in the Cache
 * "interventions-today"; the service worker answers a page it cannot fetch from that cache before
 * falling back to the offline page. Only the person logged in on this phone gets it (the pages are
 * their own), and logging out empties every cache (core/static/core/offline.js); so do the
 * logged-out pages. Nothing else is kept.
 */
(function () {
  "use strict";

  var root = document.getElementById("iv-today");
  if (!root || !window.caches) return;
  var CACHE = "interventions-today";

  if (navigator.onLine === false) {
    root.textContent = root.dataset.offlineNote;
    root.className = "msg warning";
    root.hidden = false;
    return;
  }
  if (!root.dataset.user) return;
  var pages = [window.location.pathname].concat((root.dataset.pages || "").split(" ").filter(Boolean));
  caches.delete(CACHE).then(function () { return caches.open(CACHE); }).then(function (cache) {
    return Promise.all(pages.map(function (url) {
      return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
        if (response.ok && !response.redirected) return cache.put(url, response);
      }).catch(function () { /* the network went: the next visit of the page tries again */ });
    }));
  }).catch(function () { /* no Cache API here: the pages need the network */ });
})();
