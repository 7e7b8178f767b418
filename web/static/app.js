// musesearch: small enhancements of pages that work without JavaScript. Results update
// while typing by loading the very page the form would load, the search box suggests
// terms, filters and titles as an ARIA 1.2 combobox, filters apply as soon as they are
// ticked, "/" focuses the search box, and a link to a section of a long document is
// followed to the part that holds it. Nothing is requested while an input method
// composes a word (kana, pinyin): only once it is committed. Each search committed
// (a filter ticked, a sort or year chosen, the form sent) is an entry of the browser's
// history, and Back and Forward show each one's results and controls again.
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
  phone.addEventListener("change", foldFilters);

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

  // Instant results: on the search page (or the trials page), load the results the form
  // would show and put them in place. Typing is one search however many keys it takes:
  // its first results add a history entry, the next ones replace it. A committed search
  // (a filter ticked, a sort or year chosen) adds its own entry; the form sent loads its
  // page, in place of the typing's entry if there is one.
  var timer = 0;
  var pending = null;
  var typedEntry = false; // the entry shown was added by typing, which goes on in it
  var shown = address(location.href); // the search whose results are shown
  if (!document.getElementById("results")) {
    return;
  }
  onTyped.push(function () {
    clearTimeout(timer);
    timer = setTimeout(function () { load(formURL(), "typed"); }, 250);
  });
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t && t.getAttribute("form") === "search-form") {
      clearTimeout(timer);
      load(formURL(), "commit");
    }
  });
  form.addEventListener("submit", function (e) {
    clearTimeout(timer);
    if (typedEntry) {
      e.preventDefault();
      location.replace(formURL());
    }
  });
  // Back and Forward within the page: show the results of the entry's address.
  window.addEventListener("popstate", function () {
    typedEntry = false;
    if (address(location.href) !== shown) {
      load(location.href, "");
    } else if (pending) {
      pending.abort(); // the results of the entry left, still on their way
    }
    resync();
  });
  // A page shown again from the back-forward cache, or whose form the browser refilled,
  // has its controls as last touched, perhaps a search never made: they show its
  // address's instead, so the next filter ticked does not bring back a stale one.
  window.addEventListener("pageshow", function (e) {
    if (e.persisted) {
      typedEntry = false;
    }
    resync();
  });

  // A polite live region tells screen readers how many results the new ones are. It
  // stays while the results around it are replaced: a region replaced is not read.
  var main = document.getElementById("main");
  var live = document.createElement("p");
  live.className = "visually-hidden";
  live.setAttribute("role", "status");
  main.insertBefore(live, main.firstChild);

  // address is a search's address, path and sorted parameters, to compare searches.
  function address(url) {
    var u = new URL(url, location.href);
    u.searchParams.sort();
    return u.pathname + "?" + u.searchParams.toString();
  }

  // resync sets the search form's controls from the address shown.
  function resync() {
    var params = new URLSearchParams(location.search);
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit" || el.type === "button") {
        return;
      }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = params.getAll(el.name).indexOf(el.value) >= 0;
      } else if (el.tagName === "SELECT") {
        el.value = params.get(el.name) || el.options[0].value;
      } else {
        el.value = params.get(el.name) || "";
      }
    });
  }

  // load puts the results of url in place of those shown. how says what history gets:
  // "typed" adds an entry for the typing's first results and replaces it after,
  // "commit" adds one, and "" none: the browser went back or forward to url.
  function load(url, how) {
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    fetch(url, { signal: pending.signal, headers: { Accept: "text/html" } })
      .then(function (res) { return res.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        if (!swap(doc)) {
          return;
        }
        if (how) {
          var add = address(url) !== shown && !(how === "typed" && typedEntry);
          history[add ? "pushState" : "replaceState"](null, "", url);
          typedEntry = how === "typed" && (add || typedEntry);
        }
        // The canonical address and the alternates in other languages are of the
        // results shown, for a link shared from the browser's menu.
        var heads = "link[rel=canonical], link[rel=alternate][hreflang]";
        document.querySelectorAll(heads).forEach(function (l) { l.remove(); });
        doc.querySelectorAll(heads).forEach(function (l) {
          document.head.appendChild(document.importNode(l, true));
        });
        shown = address(location.href);
      })
      .catch(function (err) {
        if (err.name !== "AbortError") {
          // The form still works: Enter loads the page the usual way.
          console.warn("instant results:", err);
        }
      });
  }

  // kept are the folds whose state new results keep: the filters, each facet's longer
  // list, the evidence map.
  var kept = "details.filters, details.facet-more, details.evidence";
  function foldKey(d) {
    var facet = d.closest("[data-facet]");
    return d.className + (facet ? " " + facet.dataset.facet : "");
  }

  // swap replaces the main part of the page with that of doc, keeping the live region,
  // which then says the new total, the filters folded or unfolded as they were, and
  // the focus on the control that had it (a filter just ticked, the sort menu), or on
  // the results when that control is gone.
  function swap(doc) {
    var fresh = doc.getElementById("main");
    if (!fresh) {
      return false;
    }
    var focused = document.activeElement;
    var refocus = focused && main.contains(focused) && focused !== main;
    var focusID = refocus ? focused.id : "";
    var folds = {};
    main.querySelectorAll(kept).forEach(function (d) { folds[foldKey(d)] = d.open; });
    Array.prototype.slice.call(main.childNodes).forEach(function (n) {
      if (n !== live) {
        main.removeChild(n);
      }
    });
    Array.prototype.forEach.call(fresh.childNodes, function (n) {
      main.appendChild(document.importNode(n, true));
    });
    main.querySelectorAll(kept).forEach(function (d) {
      if (foldKey(d) in folds) {
        d.open = folds[foldKey(d)];
      }
    });
    document.title = doc.title;
    var langs = doc.querySelector(".lang-switch");
    var current = document.querySelector(".lang-switch");
    if (langs && current) {
      current.replaceWith(document.importNode(langs, true));
    }
    var total = main.querySelector(".total");
    live.textContent = total ? total.textContent : "";
    if (refocus) {
      var el = focusID && document.getElementById(focusID) || document.getElementById("results");
      var fold = el.closest("details");
      if (fold) {
        fold.open = true;
      }
      el.focus({ preventScroll: true });
    }
    return true;
  }
})();
