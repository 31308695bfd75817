// Draw every dashboard chart from the JSON the page carries beside it (json_script: no inline script).
(() => {
  const palette = ["#0d6efd", "#fd7e14", "#20c997", "#dc3545", "#6f42c1", "#ffc107", "#0dcaf0", "#6c757d"];
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;

  const options = {
    "bar": { type: "bar", options: {} },
    "bar-stacked": { type: "bar", options: { scales: { x: { stacked: true }, y: { stacked: true } } } },
    "bar-horizontal": { type: "bar", options: { indexAxis: "y" } },
    "pie": { type: "pie", options: {} },
    "doughnut": { type: "doughnut", options: {} },
  };

  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const spec = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    const kind = options[spec.type] || options.bar;
    const round = kind.type === "pie" || kind.type === "doughnut";
    const datasets = spec.datasets.map((dataset, i) => ({
      ...dataset,
      backgroundColor: round ? spec.labels.map((_, j) => palette[j % palette.length]) : palette[i % palette.length],
    }));
    new Chart(canvas, {
      type: kind.type,
      data: { labels: spec.labels, datasets },
      options: { maintainAspectRatio: false, responsive: true, ...kind.options },
    });
    canvas.dataset.rendered = "true";
  });
})();
