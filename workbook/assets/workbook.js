// Keyboard and screen-reader support for the workbook's activities in JupyterLab, added to the
// page by the first activity shown (see workbook/widgets/common.py). It only sets attributes on
// what ipywidgets draws; it never changes an answer:
// - each group of radio buttons becomes a named radiogroup whose buttons share a name, so the
//   arrow keys move between them; the group, drop-downs and tick boxes carry
//   data-lm-suppress-shortcuts, so JupyterLab does not take the arrow keys to move between cells;
// - an arrow key that checks a radio button also tells ipywidgets (as a click does);
// - each activity's status line (.wb-live) is one polite live region, updated in place;
// - a request from Python to focus a radio group lands on its chosen (or first) button.
(() => {
  if (window.workbookA11y) { window.workbookA11y.scan(); return; }
  let groups = 0;
  const SUPPRESS = 'data-lm-suppress-shortcuts';

  // JupyterLab matches its arrow-key shortcuts on the focused element itself, so the
  // attribute goes on each control, not only on its group.
  function suppress(el) {
    if (!el.hasAttribute(SUPPRESS)) el.setAttribute(SUPPRESS, 'true');
  }

  function groupName(box) {
    const widget = box.closest('.widget-radio');
    const label = widget ? widget.querySelector(':scope > .widget-label') : null;
    return (label && (label.getAttribute('title') || label.textContent.trim()))
      || (widget && widget.getAttribute('title')) || 'Choices';
  }

  function radios(box) {
    if (!box.dataset.wbGroup) {
      box.dataset.wbGroup = 'wb-group-' + (++groups);
      box.addEventListener('change', (event) => {
        const input = event.target;
        // A keyboard change fires no click in some browsers; ipywidgets listens for clicks.
        if (input.type === 'radio' && input.checked && !input.dataset.wbClicked) {
          input.dataset.wbClicked = '1';
          input.click();
          delete input.dataset.wbClicked;
        }
      });
    }
    box.setAttribute('role', 'radiogroup');
    const name = groupName(box);
    if (box.getAttribute('aria-label') !== name) box.setAttribute('aria-label', name);
    suppress(box);
    for (const input of box.querySelectorAll('input[type=radio]')) {
      if (input.name !== box.dataset.wbGroup) input.name = box.dataset.wbGroup;
      suppress(input);
    }
    const first = box.firstElementChild;
    if (first && first.tagName === 'LABEL' && !first.dataset.wbFocus) {
      first.dataset.wbFocus = '1';
      first.tabIndex = -1;
      first.addEventListener('focus', () => {
        const target = box.querySelector('input:checked') || box.querySelector('input');
        if (target) target.focus();
      });
    }
  }

  function scan() {
    for (const activity of document.querySelectorAll('.wb-act')) {
      activity.querySelectorAll('.widget-radio-box').forEach(radios);
      activity.querySelectorAll('select, input[type=checkbox]').forEach(suppress);
      for (const el of activity.querySelectorAll('.wb-live')) {
        if (el.getAttribute('aria-live') !== 'polite') {
          el.setAttribute('role', 'status');
          el.setAttribute('aria-live', 'polite');
          el.setAttribute('aria-atomic', 'true');
        }
      }
    }
  }

  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => { queued = false; scan(); });
  }).observe(document.body, { childList: true, subtree: true });
  window.workbookA11y = { scan };
  scan();
})();
