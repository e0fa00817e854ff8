// The citation fields of a row in a table of a record's page (admin/curation/citing_tabular.html) are sent
// only once the curator opens "Cite this row": a table of fifty rows would otherwise send hundreds of empty
// fields with every save. Once opened they stay enabled, so nothing typed is dropped by closing it again.
document.addEventListener("toggle", function (event) {
  var details = event.target;
  if (!(details instanceof HTMLDetailsElement) || !details.classList.contains("cite-row") || !details.open) {
    return;
  }
  details.querySelectorAll("[disabled]").forEach(function (field) {
    field.disabled = false;
  });
}, true);
