// The reply box of the staff case page (workspace/cases/detail.html): canned responses and internal notes.
(function () {
  const body = document.getElementById("id_reply_body");
  if (!body) return;
  const picker = document.getElementById("canned-picker");
  const insert = document.getElementById("canned-insert");
  const data = document.getElementById("canned-data");
  if (picker && insert && data) {
    const canned = JSON.parse(data.textContent);
    insert.addEventListener("click", () => {
      const chosen = canned[picker.value];
      if (!chosen) return;
      const start = body.selectionStart ?? body.value.length, end = body.selectionEnd ?? body.value.length;
      body.value = body.value.slice(0, start) + chosen.body + body.value.slice(end);
      body.focus();
      body.selectionStart = body.selectionEnd = start + chosen.body.length;
    });
  }
  const internal = document.getElementById("id_reply_internal");
  const wait = document.getElementById("id_reply_wait_on_participant");
  const label = document.querySelector("#reply-submit span");
  const recipient = document.getElementById("reply-recipient");
  const sync = () => {
    const note = internal && internal.checked;
    body.classList.toggle("internal-note", note);
    if (label) label.textContent = note ? "Add internal note" : "Send reply";
    if (recipient) recipient.classList.toggle("d-none", note);
    if (wait) { wait.disabled = note; if (note) wait.checked = false; }
  };
  internal && internal.addEventListener("change", sync);
  sync();
})();
