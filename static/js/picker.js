// A person or household picker (claimants/_picker.html): typing lists the candidates the search view
// answers; choosing one puts its key in the hidden input. Texts come from the server, already translated.
(function () {
  function setUp(picker) {
    var value = picker.querySelector("[data-picker-value]");
    var search = picker.querySelector("[data-picker-search]");
    var chosen = picker.querySelector("[data-picker-chosen]");
    var results = picker.querySelector("[data-picker-results]");
    var timer = null;
    var asked = 0;

    function entry(label, detail) {
      var strong = document.createElement("strong");
      strong.textContent = label;
      var small = document.createElement("span");
      small.className = "text-body-secondary small ms-2";
      small.textContent = detail;
      return [strong, small];
    }

    function choose(result) {
      value.value = result.id;
      picker.querySelector("[data-picker-label]").textContent = result.label;
      picker.querySelector("[data-picker-detail]").textContent = result.detail;
      chosen.hidden = false;
      search.hidden = true;
      search.value = "";
      results.replaceChildren();
      value.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(answer) {
      results.replaceChildren();
      answer.results.forEach(function (result) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "list-group-item list-group-item-action";
        button.replaceChildren.apply(button, entry(result.label, result.detail));
        button.addEventListener("click", function () { choose(result); });
        results.appendChild(button);
      });
      if (answer.message) {
        var note = document.createElement("div");
        note.className = "list-group-item text-body-secondary small";
        note.textContent = answer.message;
        results.appendChild(note);
      }
    }

    function ask() {
      var query = search.value.trim();
      var mine = ++asked;
      if (!query) {
        results.replaceChildren();
        return;
      }
      fetch(picker.getAttribute("data-url") + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) { return response.json(); })
        .then(function (answer) { if (mine === asked) show(answer); });
    }

    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 300);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  // searches now instead of sending the form
        event.preventDefault();
        clearTimeout(timer);
        ask();
      }
    });
    picker.querySelector("[data-picker-clear]").addEventListener("click", function () {
      value.value = "";
      chosen.hidden = true;
      search.hidden = false;
      search.focus();
    });
  }

  document.querySelectorAll("[data-picker]").forEach(setUp);
})();
