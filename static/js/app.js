// Behaviour every page shares.
(function () {
  "use strict";
  // After a refused form, move focus to its error summary (includes/form_errors.html) so keyboard and
  // screen-reader users start from what went wrong.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();

  // A filter select marked data-autosubmit submits its form when changed (no inline onchange: the Content Security
  // Policy runs no code from attributes).
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]") && event.target.form) event.target.form.submit();
  });

  // A progress bar's width comes from data-progress-width (a percentage): set through the CSSOM, which the Content
  // Security Policy allows, where a style attribute is refused. Again for bars htmx swaps in (the notice progress).
  function sizeProgressBars(root) {
    root.querySelectorAll("[data-progress-width]").forEach(function (bar) {
      bar.style.width = bar.dataset.progressWidth + "%";
    });
  }
  sizeProgressBars(document);
  document.addEventListener("htmx:load", function (event) { sizeProgressBars(event.target); });

  // A list table marked .table-stack stacks its rows on a phone (static/css/app.css): each cell gets its column's
  // name as data-label, from the header (a column's colspan counted), for tables htmx swaps in too.
  function labelStackedTables(root) {
    const tables = root.matches && root.matches("table.table-stack") ? [root] : root.querySelectorAll("table.table-stack");
    tables.forEach(function (table) {
      const names = [];
      table.querySelectorAll(":scope > thead > tr:last-child > th").forEach(function (th) {
        for (let span = 0; span < th.colSpan; span++) names.push(th.textContent.trim());
      });
      table.querySelectorAll(":scope > tbody > tr").forEach(function (row) {
        let column = 0;
        Array.from(row.children).forEach(function (cell) {
          const name = names[column];
          if (name && cell.colSpan === 1 && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", name);
          column += cell.colSpan;
        });
      });
    });
  }
  labelStackedTables(document);
  document.addEventListener("htmx:load", function (event) {
    labelStackedTables(event.target.closest("table.table-stack") || event.target);
  });

  // Row editors: a link with data-opens-editor="<id>" loads its page's form (includes/inline_form.html, the view's
  // htmx fragment) into the element [data-editor] of that id (its cell when it is a table row) instead of leaving
  // the page; without JavaScript the link opens the full page. One editor is open at a time; Cancel closes it and
  // gives focus back to the link.
  function closeEditor(editor) {
    const slot = editor.tagName === "TR" ? editor.querySelector("td") : editor;
    slot.replaceChildren();
    editor.hidden = true;
  }
  document.addEventListener("click", function (event) {
    const opener = event.target.closest("a[data-opens-editor]");
    if (opener && window.htmx && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      const editor = document.getElementById(opener.dataset.opensEditor);
      if (!editor) return;
      event.preventDefault();
      document.querySelectorAll("[data-editor]:not([hidden])").forEach(closeEditor);
      const slot = editor.tagName === "TR" ? editor.querySelector("td") : editor;
      window.htmx.ajax("GET", opener.href, { source: opener, target: slot, swap: "innerHTML" }).then(function () {
        editor.hidden = false;
        editor.opener = opener;
        const field = editor.querySelector("textarea, select, input:not([type=hidden])");
        (field || editor.querySelector("button[type=submit]")).focus();
      });
      return;
    }
    const dismiss = event.target.closest("[data-dismiss-editor]");
    if (dismiss) {
      const editor = dismiss.closest("[data-editor]");
      const back = editor.opener;
      closeEditor(editor);
      if (back) back.focus();
    }
  });
})();
