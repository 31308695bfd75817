// The 大病 segment table: "add a row" copies the empty template row and counts it in the formset's
// TOTAL_FORMS. Without JavaScript the two blank rows the page always has do the same job.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-add-segment]");
  if (!button) {
    return;
  }
  var prefix = button.getAttribute("data-add-segment");
  var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  var template = document.getElementById(prefix + "-template");
  var body = document.getElementById(prefix + "-rows");
  if (!total || !template || !body) {
    return;
  }
  var index = parseInt(total.value, 10);
  var row = template.content.firstElementChild.cloneNode(true);
  row.innerHTML = row.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
  body.appendChild(row);
  total.value = String(index + 1);
});
