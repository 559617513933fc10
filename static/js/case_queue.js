// The case queue (workspace/cases/queue.html): bulk selection and the status filter's exclusive choices.
(function () {
  const all = document.getElementById("select-all");
  const boxes = () => Array.from(document.querySelectorAll(".case-check"));
  const count = document.getElementById("bulk-count");
  const refresh = () => { const n = boxes().filter(b => b.checked).length; count.textContent = n; all.checked = n > 0 && n === boxes().length; all.indeterminate = n > 0 && n < boxes().length; };
  all && all.addEventListener("change", () => { boxes().forEach(b => { b.checked = all.checked; }); refresh(); });
  boxes().forEach(b => b.addEventListener("change", refresh));
  const action = document.getElementById("id_bulk_action");
  const assignee = document.getElementById("bulk-assignee-group");
  const toggle = () => { assignee.classList.toggle("d-none", action.value !== "assign"); };
  action.addEventListener("change", toggle); toggle(); refresh();
  // Status checkboxes: "Open" and "Any status" exclude the individual statuses.
  const statusBoxes = Array.from(document.querySelectorAll('input[name="status"]'));
  statusBoxes.forEach(box => box.addEventListener("change", () => {
    if (!box.checked) return;
    if (box.value === "open" || box.value === "any") { statusBoxes.forEach(o => { if (o !== box) o.checked = false; }); }
    else { statusBoxes.forEach(o => { if (o.value === "open" || o.value === "any") o.checked = false; }); }
  }));
})();
