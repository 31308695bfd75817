// Monitoring overview: draw each run's progress bar and poll the runs still going until they end.
(function () {
  function draw(row, percent) {
    row.querySelector('[data-field="percent"]').style.width = percent + "%";
  }
  function poll(row) {
    fetch(row.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (run) {
      row.querySelector('[data-field="status_label"]').textContent = run.status_label + (run.error ? " " + run.error : "");
      draw(row, run.percent);
      row.querySelector('[data-field="regions"]').textContent = run.regions_done + "/" + run.regions_total;
      ["hits", "pushed", "carried_over", "reported"].forEach(function (f) {
        row.querySelector('[data-field="' + f + '"]').textContent = run[f];
      });
      if (run.status === "running") { setTimeout(function () { poll(row); }, 1500); }
    });
  }
  document.querySelectorAll("tr[data-run]").forEach(function (row) { draw(row, row.dataset.percent); });
  document.querySelectorAll('tr[data-status="running"]').forEach(poll);
})();
