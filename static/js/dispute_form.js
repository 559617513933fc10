// The portal's dispute form (portal/cases/dispute_form.html).
(function () {
  var form = document.getElementById("dispute-form");
  if (!form) return;
  var needsDate = (form.dataset.needsDate || "").split(",").filter(Boolean);
  var type = document.getElementById("id_statement_type");
  var day = document.getElementById("id_operating_day");
  var dateGroup = document.getElementById("statement-date-group");
  var dateInput = document.getElementById("id_statement_date");
  var charge = document.getElementById("id_charge_type");
  var subject = document.getElementById("id_subject");
  function syncDate() {
    var required = needsDate.indexOf(type.value) !== -1;
    var optional = type.value && !required;
    dateGroup.classList.toggle("d-none", Boolean(optional) && !dateInput.value);
    dateInput.required = required;
  }
  function suggestSubject() {
    var parts = ["Dispute"];
    if (charge.value.trim()) parts.push(charge.value.trim());
    if (day.value) { var d = day.value.split("-"); parts.push("Operating Day " + d[1] + "/" + d[2] + "/" + d[0]); }
    var text = parts.join(" – ");
    if (type.value) text += " (" + type.options[type.selectedIndex].text + ")";
    subject.placeholder = parts.length > 1 ? text : "Suggested from the fields above";
  }
  type.addEventListener("change", function () { syncDate(); suggestSubject(); });
  day.addEventListener("change", suggestSubject);
  charge.addEventListener("input", suggestSubject);
  syncDate();
  suggestSubject();
})();
