/* Search as you type. The search box lists the top articles and solved threads for what is typed
   (an ARIA combobox: arrow keys, Enter, Escape) with a last entry that runs the normal search;
   the request wizard's describe step lists those that may answer the draft, each opening in a
   new tab so the draft stays. Both ask /api/v1/search/suggest once typing pauses, cancel a stale
   request, announce the count in a live region and show nothing when the endpoint fails.
   Without JavaScript the box submits to /search and the wizard's next steps list the same
   suggestions, as before. Titles go in with textContent, never as HTML. */
(function () {
  "use strict";

  if (window.catalogSearchAsYouType) { return; }  // each search box includes this script
  window.catalogSearchAsYouType = true;

  var WAIT_MS = 250;
  var MIN_CHARS = 3;
  var MAX_URL = 3000;  // well under a server's 4 KB request line, whatever the alphabet

  /* One question at a time: a newer one aborts the older, the same one is not asked twice in a
     row, and after a 429 nothing is asked until Retry-After has passed. `show` gets the items,
     or [] when the endpoint fails or is refused. */
  function asker(endpoint, show) {
    var timer = null, controller = null, last = null, quietUntil = 0;

    function ask(query) {
      if (query === last) { return; }
      last = query;
      if (controller) { controller.abort(); }
      controller = null;
      if (Date.now() < quietUntil) { show([]); return; }
      var mine = controller = new AbortController();
      var options = { signal: mine.signal, credentials: "same-origin", headers: { Accept: "application/json" } };
      fetch(endpoint + "?" + query, options)
        .then(function (response) {
          if (response.status === 429) {
            quietUntil = Date.now() + 1000 * (parseInt(response.headers.get("Retry-After"), 10) || 60);
          }
          return response.ok ? response.json() : { items: [] };
        })
        .then(function (data) {
          if (mine === controller) { show(Array.isArray(data.items) ? data.items : []); }
        })
        .catch(function () {
          if (mine === controller) { show([]); }  // an aborted one was replaced: stay quiet
        });
    }

    return function later(query) {
      clearTimeout(timer);
      if (query === null) {
        if (controller) { controller.abort(); }
        controller = null;
        last = null;
        show([]);
        return;
      }
      timer = setTimeout(function () { ask(query); }, WAIT_MS);
    };
  }

  /* "2 articles and 1 solved thread" */
  function counted(items) {
    var articles = items.filter(function (item) { return item.type === "article"; }).length;
    var threads = items.length - articles;
    var parts = [];
    if (articles) { parts.push(articles + (articles === 1 ? " article" : " articles")); }
    if (threads) { parts.push(threads + (threads === 1 ? " solved thread" : " solved threads")); }
    return parts.join(" and ");
  }

  function kindOf(item) { return item.type === "article" ? "article" : "solved thread"; }

  /* Only our own pages: a path on this site. Browsers drop tabs and newlines and read "\" as "/",
     so "/\host" and "/<tab>/host" mean "//host": no "/" or "\" second, no space or control. */
  function localUrl(url) { return typeof url === "string" && /^\/(?![\/\\])[^\x00-\x20\x7f]*$/.test(url) ? url : null; }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  /* The search box as a combobox over a listbox of suggestions. */
  function searchBox(form) {
    var input = form.querySelector("input[type=search]");
    var list = form.querySelector("[role=listbox]");
    var status = form.querySelector("[data-suggest-status]");
    if (!input || !list || !status) { return; }
    var options = [], active = -1;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    function choose(index) {
      active = index;
      options.forEach(function (option, i) { option.setAttribute("aria-selected", String(i === index)); });
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function setOpen(open) {
      list.hidden = !open;
      input.setAttribute("aria-expanded", String(open));
      if (!open) { choose(-1); }
    }

    function go(option) {
      var url = option.getAttribute("data-url");
      setOpen(false);
      if (url) { window.location.assign(url); } else { form.submit(); }
    }

    function option(text, kind, url) {
      var node = element("li", "search-box__option", text);
      node.id = list.id + "-" + options.length;
      node.setAttribute("role", "option");
      node.setAttribute("aria-selected", "false");
      if (kind) { node.appendChild(element("span", "search-box__kind", " · " + kind)); }
      if (url) { node.setAttribute("data-url", url); }
      options.push(node);
      list.appendChild(node);
    }

    function show(items) {
      var typed = input.value.trim();
      list.replaceChildren();
      options = [];
      items = items.filter(function (item) { return localUrl(item.url); });
      if (!items.length || typed.length < MIN_CHARS) {
        setOpen(false);
        status.textContent = typed.length < MIN_CHARS ? "" : "No suggestions; press Enter to search.";
        return;
      }
      items.forEach(function (item) { option(String(item.title), kindOf(item), localUrl(item.url)); });
      option("Search for «" + typed + "»", "", null);
      setOpen(true);
      status.textContent = counted(items) + " found; use the arrow keys to choose one.";
    }

    var later = asker(form.getAttribute("data-suggest"), show);
    input.addEventListener("input", function () {
      var typed = input.value.trim();
      later(typed.length >= MIN_CHARS ? new URLSearchParams({ q: typed.slice(0, 200) }).toString() : null);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!options.length) { return; }
        event.preventDefault();
        if (!open) { setOpen(true); }
        var step = event.key === "ArrowDown" ? 1 : -1;
        choose((active + step + options.length + (active < 0 && step < 0 ? 1 : 0)) % options.length);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        go(options[active]);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();  // keep the text; a second Escape clears the box as usual
        setOpen(false);
      } else if (event.key === "Tab") {
        setOpen(false);
      }
    });
    input.addEventListener("blur", function () { setOpen(false); });
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep focus
    list.addEventListener("click", function (event) {
      var picked = event.target.closest("[role=option]");
      if (picked) { go(picked); }
    });
  }

  /* The wizard's describe step: what may answer the draft, listed under the fields. */
  function draftPanel(panel) {
    var title = document.getElementById(panel.getAttribute("data-title-field"));
    var text = document.getElementById(panel.getAttribute("data-text-field"));
    var list = panel.querySelector("ul");
    var status = panel.querySelector("[role=status]");
    if (!title || !text || !list || !status) { return; }
    panel.hidden = false;

    function show(items) {
      list.replaceChildren();
      items = items.filter(function (item) { return localUrl(item.url); });
      items.forEach(function (item) {
        var link = element("a", "", String(item.title));
        link.href = localUrl(item.url);
        link.target = "_blank";
        link.rel = "noopener";
        link.appendChild(element("span", "visually-hidden", " (opens in a new tab)"));
        var row = element("li");
        row.appendChild(link);
        row.appendChild(element("span", "muted", " (" + kindOf(item) + ")"));
        list.appendChild(row);
      });
      list.hidden = !items.length;
      var typed = (title.value + text.value).trim().length >= MIN_CHARS;
      status.textContent = items.length ? counted(items) + " may answer this."
        : typed ? "No article or solved thread matches yet." : "";
    }

    function query() {
      var params = { title: title.value.trim().slice(0, 200), text: text.value.trim().slice(0, 1500) };
      var encoded = new URLSearchParams(params).toString();
      while (encoded.length > MAX_URL && params.text) {
        params.text = params.text.slice(0, Math.floor(params.text.length * 3 / 4));
        encoded = new URLSearchParams(params).toString();
      }
      return (params.title + params.text).length >= MIN_CHARS ? encoded : null;
    }

    var later = asker(panel.getAttribute("data-suggest"), show);
    title.addEventListener("input", function () { later(query()); });
    text.addEventListener("input", function () { later(query()); });
    if (query()) { later(query()); }  // a draft brought back to this step
  }

  document.querySelectorAll("form[data-suggest]").forEach(searchBox);
  document.querySelectorAll("[data-suggest][data-title-field]").forEach(draftPanel);
})();
