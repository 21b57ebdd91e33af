// The report's only script: sort a table by a column, filter every table, chart and evidence entry
// by claimant and metric, and download a table's shown rows as CSV. It reads and writes nothing else.
(function () {
  "use strict";
  var claimantFilter = document.getElementById("filter-claimant");
  var metricFilter = document.getElementById("filter-metric");

  function shows(element) {
    var claimant = claimantFilter.value;
    var metric = metricFilter.value;
    if (claimant && element.hasAttribute("data-claimant")
        && element.getAttribute("data-claimant").split(" ").indexOf(claimant) < 0) {
      return false;
    }
    if (metric && element.hasAttribute("data-metric") && element.getAttribute("data-metric") !== metric) {
      return false;
    }
    return true;
  }

  function countShown(table) {
    var shown = table.querySelectorAll("tbody tr:not(.filtered-out)").length;
    var counter = document.getElementById(table.id + "-count");
    if (counter) {
      counter.textContent = shown + " of " + table.tBodies[0].rows.length + " rows shown";
    }
  }

  function applyFilters() {
    document.querySelectorAll("[data-filterable]").forEach(function (element) {
      element.classList.toggle("filtered-out", !shows(element));
    });
    document.querySelectorAll("table.data").forEach(countShown);
  }

  function sortKey(cell) {
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
    var number = Number(raw);
    return raw !== "" && !isNaN(number) ? number : raw.toLowerCase();
  }

  function sortBy(table, header) {
    var column = header.cellIndex;
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (other) { other.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (left, right) {
      var a = sortKey(left.cells[column]);
      var b = sortKey(right.cells[column]);
      var order;
      if (typeof a === typeof b) {
        order = a < b ? -1 : a > b ? 1 : 0;
      } else {
        order = typeof a === "number" ? -1 : 1;  // numbers before blanks and words
      }
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function csvField(text) {
    // a cell that a spreadsheet would run as a formula is written as text
    if (/^[=+\-@\t\r]/.test(text) && !/^[-+]?[0-9.,]+$/.test(text)) {
      text = "'" + text;
    }
    return /[",\n\r]/.test(text) || text !== text.trim() ? "\"" + text.replace(/"/g, "\"\"") + "\"" : text;
  }

  function tableCsv(table) {
    var lines = [];
    var headers = Array.prototype.map.call(table.tHead.rows[0].cells, function (cell) {
      return csvField(cell.textContent.trim());
    });
    lines.push(headers.join(","));
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      if (row.classList.contains("filtered-out")) {
        return;
      }
      lines.push(Array.prototype.map.call(row.cells, function (cell) {
        return csvField(cell.hasAttribute("data-csv") ? cell.getAttribute("data-csv") : cell.textContent.trim());
      }).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  }

  function download(table) {
    var blob = new Blob([tableCsv(table)], {type: "text/csv;charset=utf-8"});
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = table.id + ".csv";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  }

  document.querySelectorAll("table.data").forEach(function (table) {
    table.querySelectorAll("th button.sort").forEach(function (button) {
      button.addEventListener("click", function () { sortBy(table, button.parentElement); });
    });
  });
  document.querySelectorAll("button.csv").forEach(function (button) {
    button.addEventListener("click", function () {
      download(document.getElementById(button.getAttribute("data-table")));
    });
  });
  claimantFilter.addEventListener("change", applyFilters);
  metricFilter.addEventListener("change", applyFilters);
  applyFilters();
}());
