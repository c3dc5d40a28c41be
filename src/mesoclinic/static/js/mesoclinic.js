// The pages' own behaviour, kept out of the templates so the Content-Security-Policy can forbid
// inline scripts and handlers.

// A form with data-confirm="question" asks before it is sent (cancelling a whole course).
document.addEventListener("submit", function (event) {
  var question = event.target.dataset ? event.target.dataset.confirm : "";
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
