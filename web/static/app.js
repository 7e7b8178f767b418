// musesearch: small enhancements of pages that work without JavaScript. Results update
// while typing by loading the very page the form would load, the search box suggests
// terms, filters and titles as an ARIA 1.2 combobox, filters apply as soon as they are
// ticked, "/" focuses the search box, and a link to a section of a long document is
// followed to the part that holds it. Nothing is requested while an input method
// composes a word (kana, pinyin): only once it is committed.
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

  // "/" focuses the search box, Escape leaves it as it is: a search box clears itself
  // on Escape, which would leave the results of a query no longer shown, and the next
  // filter ticked would search for nothing.
  document.addEventListener("keydown", function (e) {
    if (!box || e.ctrlKey || e.metaKey || e.altKey) {
      return;
    }
    var t = e.target;
    // Typing is in a field that takes text: "/" focuses the box from anywhere else,
    // a ticked filter or the sort menu included.
    var typing = t && (t.isContentEditable || t.tagName === "TEXTAREA" ||
      t.tagName === "INPUT" && !/^(checkbox|radio|button|submit|reset)$/.test(t.type));
    if (e.key === "/" && !typing) {
      e.preventDefault();
      box.focus();
      box.select();
    } else if (e.key === "Escape" && t === box) {
      e.preventDefault();
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

  if (!form || !box) {
    return;
  }

  // What is typed, once committed: an input method's composition (compositionstart to
  // compositionend) is not typed yet, and neither searches nor asks for suggestions.
  var composing = false;
  var onTyped = [];
  function typed() {
    onTyped.forEach(function (f) { f(); });
  }
  box.addEventListener("compositionstart", function () {
    composing = true;
  });
  box.addEventListener("compositionend", function () {
    composing = false;
    typed();
  });
  box.addEventListener("input", function (e) {
    if (!composing && !e.isComposing) {
      typed();
    }
  });

  // Suggestions: the search box is a combobox (ARIA 1.2) whose listbox shows what
  // GET /api/suggest completes the text to. Up and Down move through it, Enter or a
  // click chooses, Escape closes it. A term is searched for; a filter or a title opens
  // its address. While no suggestion shows, the browser's own history of the box works.
  var list = document.getElementById("q-suggestions");
  var suggestions = [];
  var active = -1;
  var suggestTimer = 0;
  var suggestPending = null;
  var hl = form.querySelector('input[name="hl"]');
  if (list) {
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-controls", list.id);
    box.setAttribute("aria-expanded", "false");
    box.setAttribute("autocomplete", "on");
    onTyped.push(function () {
      clearTimeout(suggestTimer);
      suggestTimer = setTimeout(suggest, 120);
    });
    box.addEventListener("keydown", function (e) {
      if (composing || e.isComposing || e.keyCode === 229) {
        return;
      }
      switch (e.key) {
        case "ArrowDown":
        case "ArrowUp":
          if (!suggestions.length) {
            return;
          }
          e.preventDefault();
          show();
          var n = suggestions.length;
          setActive(e.key === "ArrowDown" ? (active + 1) % n : (active <= 0 ? n - 1 : active - 1));
          break;
        case "Enter":
          if (!list.hidden && active >= 0) {
            e.preventDefault();
            choose(active);
          }
          break;
        case "Escape":
          if (!list.hidden) {
            e.preventDefault();
            e.stopPropagation();
            hide();
          }
          break;
      }
    });
    box.addEventListener("blur", hide);
  }

  function suggest() {
    var text = box.value.trim();
    if (suggestPending) {
      suggestPending.abort();
    }
    if (!text) {
      render([]);
      return;
    }
    suggestPending = new AbortController();
    var url = "/api/suggest?" + new URLSearchParams({ q: text, lang: root.lang }).toString();
    fetch(url, { signal: suggestPending.signal, headers: { Accept: "application/json" } })
      .then(function (res) { return res.ok ? res.json() : { suggestions: [] }; })
      .then(function (body) {
        if (box.value.trim() === text && !composing) {
          render(body.suggestions || []);
        }
      })
      .catch(function (err) {
        if (err.name !== "AbortError") {
          console.warn("suggestions:", err);
        }
      });
  }

  // render puts the suggestions in the list and shows it, or hides it when there are none.
  function render(items) {
    suggestions = items;
    active = -1;
    list.replaceChildren.apply(list, items.map(function (s, i) {
      var li = document.createElement("li");
      li.id = "q-option-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.kind = s.kind;
      li.appendChild(span("s-text", s.text, s.lang));
      if (s.translations && s.translations.length) {
        var tr = span("s-tr", "");
        s.translations.forEach(function (t, k) {
          tr.appendChild(document.createTextNode(k ? " · " : ""));
          tr.appendChild(span("", t.text, t.lang));
        });
        li.appendChild(tr);
      }
      if (list.dataset[s.kind]) {
        li.appendChild(span("s-kind", list.dataset[s.kind]));
      }
      // The box keeps the focus: the click chooses.
      li.addEventListener("mousedown", function (e) { e.preventDefault(); });
      li.addEventListener("click", function () { choose(i); });
      return li;
    }));
    box.removeAttribute("aria-activedescendant");
    if (items.length) {
      show();
    } else {
      hide();
    }
  }

  function span(className, text, lang) {
    var el = document.createElement("span");
    if (className) {
      el.className = className;
    }
    if (lang) {
      el.lang = lang;
    }
    el.textContent = text;
    return el;
  }

  function show() {
    if (!suggestions.length) {
      return;
    }
    list.hidden = false;
    box.setAttribute("aria-expanded", "true");
    // One list at a time: the browser's history stays away while ours shows.
    box.setAttribute("autocomplete", "off");
  }

  function hide() {
    if (!list) {
      return;
    }
    list.hidden = true;
    setActive(-1);
    box.setAttribute("aria-expanded", "false");
    box.setAttribute("autocomplete", "on");
  }

  function setActive(i) {
    active = i;
    list.querySelectorAll("[role=option]").forEach(function (o, k) {
      o.setAttribute("aria-selected", k === i ? "true" : "false");
    });
    if (i >= 0) {
      box.setAttribute("aria-activedescendant", "q-option-" + i);
      list.children[i].scrollIntoView({ block: "nearest" });
    } else {
      box.removeAttribute("aria-activedescendant");
    }
  }

  function choose(i) {
    var s = suggestions[i];
    hide();
    if (s.url) {
      var u = new URL(s.url, location.href);
      if (hl) {
        u.searchParams.set("hl", hl.value);
      }
      location.href = u.toString();
      return;
    }
    box.value = s.text;
    clearTimeout(timer);
    form.requestSubmit ? form.requestSubmit() : form.submit();
  }

  // Instant results: while typing on the search page (or the trials page), load the
  // results the form would show and put them in place, keeping the address in step.
  var timer = 0;
  var pending = null;
  if (!document.getElementById("results")) {
    return;
  }
  onTyped.push(function () {
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
        // The canonical address and the alternates in other languages are of the
        // results shown, for a link shared from the browser's menu.
        var heads = "link[rel=canonical], link[rel=alternate][hreflang]";
        document.querySelectorAll(heads).forEach(function (l) { l.remove(); });
        doc.querySelectorAll(heads).forEach(function (l) {
          document.head.appendChild(document.importNode(l, true));
        });
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
