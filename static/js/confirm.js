// A form or button with data-confirm asks before it is sent: money moves, a case closes, a job starts.
// A static file, not inline script: the Content-Security-Policy forbids inline handlers.
// "{name}" in the message stands for the value of the form's field of that name (e.g. the month to run).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var submitter = event.submitter;
  var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
  if (message) {
    message = message.replace(/\{(\w+)\}/g, function (whole, name) {
      var field = form.elements[name];
      return field && field.value ? field.value : whole;
    });
  }
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
}, true);
