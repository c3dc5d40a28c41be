// The pages' own behaviour, kept out of the templates so the Content-Security-Policy can forbid
// inline scripts and handlers.

// A form with data-confirm="question" asks before it is sent (cancelling a whole course).
document.addEventListener("submit", function (event) {
  var question = event.target.dataset ? event.target.dataset.confirm : "";
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// A passkey just made: on the set-up page, go on to the recovery codes; elsewhere, show it.
document.addEventListener("otp_webauthn.register_complete", function () {
  var after = document.getElementById("after-passkey");
  if (after) {
    after.submit();
  } else {
    window.location.reload();
  }
});
