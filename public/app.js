// Small behaviours that need script (no inline script: the CSP forbids it).
document.addEventListener('click', async (event) => {
  const copy = event.target.closest('[data-copy-target]');
  if (copy) {
    const source = document.getElementById(copy.dataset.copyTarget);
    const text = source.value ?? source.textContent;
    let message = 'Copied';
    try {
      await navigator.clipboard.writeText(text.trim());
    } catch {
      // Clipboard API refused (plain http, old browser): select the text for Ctrl+C.
      if (source.select) source.select();
      message = 'Selected: press Ctrl+C to copy';
    }
    const status = document.getElementById(copy.dataset.copyStatus || '');
    if (status) status.textContent = message;
    return;
  }
  const reveal = event.target.closest('[data-toggle-visibility]');
  if (reveal) {
    const input = document.getElementById(reveal.dataset.toggleVisibility);
    const show = input.type === 'password';
    input.type = show ? 'text' : 'password';
    reveal.setAttribute('aria-pressed', String(show));
    reveal.textContent = show ? 'Hide' : 'Show';
    return;
  }
  const remove = event.target.closest('[data-remove-closest]');
  if (remove) {
    // With script the row goes at once; without, the button posts the form and the page comes back without it.
    event.preventDefault();
    remove.closest(remove.dataset.removeClosest).remove();
  }
});

// Error answers htmx does not swap (403, 404, 500...): show their message in the flash area.
document.addEventListener('htmx:responseError', (event) => {
  const flash = document.getElementById('flash');
  if (!flash) return;
  const text = new DOMParser().parseFromString(event.detail.xhr.responseText, 'text/html').querySelector('main p, p');
  flash.innerHTML = '';
  const p = document.createElement('p');
  p.className = 'flash flash-error';
  p.setAttribute('role', 'alert');
  p.textContent = text ? text.textContent : 'The request failed (' + event.detail.xhr.status + ').';
  flash.appendChild(p);
});
document.addEventListener('htmx:sendError', () => {
  const flash = document.getElementById('flash');
  if (flash) flash.innerHTML = '<p class="flash flash-error" role="alert">The server could not be reached.</p>';
});
