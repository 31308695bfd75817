// A form or button with data-confirm asks before it is sent: money moves, a case closes, a job starts.
// A static file, not inline script: the Content-Security-Policy forbids inline handlers.
document.addEventListener("submit", function (event) {
  var submitter = event.submitter;
  var message = (submitter && submitter.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
}, true);
