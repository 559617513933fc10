// The MP picker (accounts/autocomplete.py): a <select data-participant-autocomplete="<url>"> rendered with the
// empty choice and the chosen MP only becomes a searchable combobox. Tom Select (static/vendor/tom-select) is
// loaded only on pages that have a picker; without JavaScript the select keeps its chosen value.
(function () {
  "use strict";
  const SELECTOR = "select[data-participant-autocomplete]";
  const vendor = document.currentScript.dataset;
  let loading = null;

  function loadTomSelect() {
    if (window.TomSelect) return Promise.resolve();
    if (loading) return loading;
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = vendor.stylesheet;
    document.head.appendChild(css);
    loading = new Promise(function (resolve, reject) {
      const script = document.createElement("script");
      script.src = vendor.script;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
    return loading;
  }

  function enhance(select) {
    if (select.tomselect) return;
    const url = select.dataset.participantAutocomplete;
    const label = select.id && document.querySelector('label[for="' + select.id + '"]');
    const emptyOption = select.querySelector('option[value=""]');
    const picker = new window.TomSelect(select, {
      valueField: "id",
      labelField: "text",
      // The server matches (short name, legal name, DUNS, operator id) and ranks: keep its order, filter nothing.
      searchField: [],
      sortField: [{ field: "$order" }],
      // Show what the server answered; the empty choice ("Any MP") only while nothing is typed.
      score: function (search) {
        return function (item) { return search && item.id === "" ? 0 : 1; };
      },
      allowEmptyOption: Boolean(emptyOption),
      placeholder: select.dataset.placeholder,
      maxOptions: 20,
      preload: "focus",
      loadThrottle: 250,
      // Single: the search box opens in the dropdown, so the field keeps its size while typing (no layout shift).
      plugins: select.multiple ? ["remove_button"] : ["dropdown_input"],
      load: function (query, callback) {
        const tom = this;
        tom.latestQuery = query;
        const glue = url.indexOf("?") === -1 ? "?" : "&";
        fetch(url + glue + "q=" + encodeURIComponent(query), {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            if (tom.latestQuery !== query) return callback();  // a slower answer to an earlier query
            tom.clearOptions();  // keeps the chosen one; the rows of earlier answers need not match this query
            callback(data.results);
          })
          .catch(function () { callback(); });
      },
      render: {
        no_results: function () { return '<div class="no-results">No Market Participant matches.</div>'; },
        loading: function () { return '<div class="spinner-border spinner-border-sm m-2" role="status"><span class="visually-hidden">Searching…</span></div>'; },
      },
    });
    // The search box in the dropdown is named after the field; the select Tom Select keeps (hidden, out of the tab
    // order) leaves the accessibility tree, so assistive technology meets one named combobox, not an unnamed twin.
    if (label) picker.control_input.setAttribute("aria-label", label.textContent.trim());
    select.setAttribute("aria-hidden", "true");
  }

  function enhanceAll(container) {
    const selects = container.querySelectorAll(SELECTOR);
    if (!selects.length) return;
    loadTomSelect().then(function () { selects.forEach(enhance); });
  }

  enhanceAll(document);
  document.body.addEventListener("htmx:afterSettle", function (event) { enhanceAll(event.target); });
})();
