// Passkeys and security keys: hands django-allauth's WebAuthn ceremonies (static mfa/js/webauthn.js) the elements of
// the page. A button carries data-webauthn ("add", "authenticate" or "login"), data-credential (the id of the hidden
// input that receives the key's answer) and data-options (the id of the json_script holding the server's options).
(function () {
  'use strict'

  function start () {
    const forms = window.allauth && window.allauth.webauthn && window.allauth.webauthn.forms
    if (!forms) return
    document.querySelectorAll('[data-webauthn]').forEach(function (button) {
      const ids = { credential: button.dataset.credential }
      if (button.dataset.options) ids.data = button.dataset.options
      const kind = button.dataset.webauthn
      if (kind === 'add') {
        ids.add = button.id
        if (button.dataset.passwordless) ids.passwordless = button.dataset.passwordless
        forms.addForm({ ids })
      } else if (kind === 'authenticate') {
        ids.authenticate = button.id
        forms.authenticateForm({ ids })
      } else if (kind === 'login') {
        ids.login = button.id
        forms.loginForm({ ids })
      }
    })
  }

  // allauth reports a failed or cancelled ceremony as an "allauth.error" event: say so on the page.
  document.addEventListener('allauth.error', function (event) {
    const box = document.getElementById('webauthn-error')
    if (box) {
      box.hidden = false
    }
  })

  document.addEventListener('DOMContentLoaded', start)
})()
