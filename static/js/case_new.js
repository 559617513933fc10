// The staff form that logs a case (workspace/cases/new.html).
(function () {
  const kind = document.getElementById("id_kind");
  const dispute = document.getElementById("dispute-fields");
  const showDispute = () => dispute.classList.toggle("d-none", kind.value !== "dispute");
  kind.addEventListener("change", showDispute);

  // The MP picker's hx-get loads the chosen MP's contacts into the requester (the server checks them again);
  // say so when the MP has none.
  const participant = document.getElementById("id_participant");
  const requester = document.getElementById("id_requester");
  const noContacts = document.getElementById("no-contacts");
  const showNoContacts = () => {
    noContacts.classList.toggle("d-none", !participant.value || requester.options.length > 1);
  };
  requester.addEventListener("htmx:afterSwap", showNoContacts);
  showNoContacts();
})();
