// The portal's feedback form (portal/plan/feedback.html).
(function () {
  var form = document.getElementById("feedback-form");
  if (!form) return;
  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    if (!button) return;
    // Let this submission through, then refuse a second click while the page is on its way.
    window.setTimeout(function () {
      button.disabled = true;
      button.setAttribute("aria-disabled", "true");
      var text = button.querySelector("span");
      if (text) text.textContent = button.dataset.sendingText;
    }, 0);
  });
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = false; button.removeAttribute("aria-disabled"); }
  });
})();
