// musesearch: small enhancements of pages that work without JavaScript. Results update
// while typing by loading the very page the form would load, filters apply as soon as
// they are ticked, "/" focuses the search box, and a link to a section of a long
// document is followed to the part that holds it.
(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.add("js");

  var form = document.getElementById("search-form");
  var box = document.getElementById("q");
  var phone = window.matchMedia("(max-width: 760px)");

  // Filters fold away on a phone; on a wide screen they are open. (The evidence map is
  // folded, or not, by the page itself.)
  function foldFilters() {
    document.querySelectorAll("details.filters").forEach(function (d) {
      d.open = !phone.matches;
    });
  }
  foldFilters();

  // "/" focuses the search box, Escape leaves it.
  document.addEventListener("keydown", function (e) {
    if (!box || e.ctrlKey || e.metaKey || e.altKey) {
      return;
    }
    var t = e.target;
    var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (e.key === "/" && !typing) {
      e.preventDefault();
      box.focus();
      box.select();
    } else if (e.key === "Escape" && t === box) {
      box.blur();
    }
  });

  // A link to a section of a long document (#s57) without its part, as the API's url
  // gives, lands on the first part: the contents link every section in its part, so
  // go there.
  if (/^#s\d+$/.test(location.hash) && !document.getElementById(location.hash.slice(1))) {
    var entry = document.querySelector('.toc a[href$="' + location.hash + '"]');
    if (entry) {
      location.replace(entry.href);
    }
  }

  // The address the form would go to with its current state, first page.
  function formURL() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value !== "") {
        params.append(key, value);
      }
    });
    var qs = params.toString();
    return (form.getAttribute("action") || "/search") + (qs ? "?" + qs : "");
  }

  // Ticking a filter, choosing a sort or grouping applies at once.
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (form && t && t.getAttribute("form") === "search-form") {
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });

  // Instant results: while typing on the search page (or the trials page), load the
  // results the form would show and put them in place, keeping the address in step.
  if (!form || !box || !document.getElementById("results")) {
    return;
  }
  var timer = 0;
  var pending = null;
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });

  function refresh() {
    var url = formURL();
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    fetch(url, { signal: pending.signal, headers: { Accept: "text/html" } })
      .then(function (res) { return res.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("main");
        var main = document.getElementById("main");
        if (!fresh || !main) {
          return;
        }
        main.replaceChildren.apply(main, Array.prototype.slice.call(fresh.childNodes).map(function (n) {
          return document.importNode(n, true);
        }));
        document.title = doc.title;
        var langs = doc.querySelector(".lang-switch");
        var current = document.querySelector(".lang-switch");
        if (langs && current) {
          current.replaceWith(document.importNode(langs, true));
        }
        history.replaceState(null, "", url);
        foldFilters();
      })
      .catch(function (err) {
        if (err.name !== "AbortError") {
          // The form still works: Enter loads the page the usual way.
          console.warn("instant results:", err);
        }
      });
  }
})();
