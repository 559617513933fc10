// Behaviour every page shares.
(function () {
  "use strict";
  // After a refused form, move focus to its error summary (includes/form_errors.html) so keyboard and
  // screen-reader users start from what went wrong.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
})();
