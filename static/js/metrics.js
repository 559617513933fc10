/* Draws the metrics page's charts from the JSON in <script id="metrics-data" type="application/json">.
   The same figures are in the tables under each chart (and their CSV exports). */
(function () {
  "use strict";

  var source = document.getElementById("metrics-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var Chart = window.Chart;

  var NAVY = "#0b2545";
  var TEAL = "#13717a";
  var AMBER = "#d97706";
  var RED = "#b91c1c";
  var GREEN = "#15803d";
  var GREY = "#6c757d";

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#343a40";
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.animation = false;

  var integerAxis = { beginAtZero: true, ticks: { precision: 0 } };
  var money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) {
      new Chart(canvas, config);
    }
  }

  draw("chart-weekly", {
    type: "line",
    data: {
      labels: data.weekly.labels,
      datasets: [
        { label: "Opened", data: data.weekly.opened, borderColor: NAVY, backgroundColor: NAVY, cubicInterpolationMode: "monotone" },
        { label: "Closed", data: data.weekly.closed, borderColor: TEAL, backgroundColor: TEAL, cubicInterpolationMode: "monotone", borderDash: [6, 4] }
      ]
    },
    options: {
      interaction: { mode: "index", intersect: false },
      scales: { y: integerAxis },
      plugins: { legend: { position: "bottom" } }
    }
  });

  draw("chart-backlog", {
    type: "bar",
    data: {
      labels: data.backlog.labels,
      datasets: [
        {
          label: "Open cases",
          data: data.backlog.counts,
          backgroundColor: [GREEN, TEAL, AMBER, "#ea580c", RED]
        }
      ]
    },
    options: { scales: { y: integerAxis }, plugins: { legend: { display: false } } }
  });

  draw("chart-disputes", {
    type: "bar",
    data: {
      labels: data.disputes.labels,
      datasets: [
        { label: "Disputes", data: data.disputes.counts, backgroundColor: NAVY, yAxisID: "y" },
        { label: "Disputed amount", data: data.disputes.disputed, backgroundColor: AMBER, yAxisID: "amount" },
        { label: "Granted amount", data: data.disputes.granted, backgroundColor: GREEN, yAxisID: "amount" }
      ]
    },
    options: {
      scales: {
        y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Disputes" } },
        amount: {
          position: "right",
          beginAtZero: true,
          grid: { drawOnChartArea: false },
          ticks: { callback: function (value) { return money.format(value); } },
          title: { display: true, text: "Amount" }
        }
      },
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          callbacks: {
            label: function (context) {
              var value = context.dataset.yAxisID === "amount" ? money.format(context.parsed.y) : context.parsed.y;
              return context.dataset.label + ": " + value;
            }
          }
        }
      }
    }
  });

  draw("chart-feedback", {
    type: "bar",
    data: {
      labels: data.feedback.labels,
      datasets: [
        { label: "Responses", data: data.feedback.counts, backgroundColor: [RED, "#ea580c", AMBER, TEAL, GREEN] }
      ]
    },
    options: { scales: { y: integerAxis }, plugins: { legend: { display: false } } }
  });

  var deliveryTotal = data.deliveries.counts.reduce(function (a, b) { return a + b; }, 0);
  draw("chart-deliveries", {
    type: "doughnut",
    data: {
      labels: data.deliveries.labels,
      datasets: [
        {
          data: deliveryTotal ? data.deliveries.counts : [1],
          backgroundColor: deliveryTotal ? [GREEN, AMBER, RED, GREY] : ["#dee2e6"]
        }
      ]
    },
    options: {
      plugins: {
        legend: { position: "bottom", display: deliveryTotal > 0 },
        tooltip: { enabled: deliveryTotal > 0 },
        title: { display: deliveryTotal === 0, text: "No notice emails in this range" }
      }
    }
  });
})();
