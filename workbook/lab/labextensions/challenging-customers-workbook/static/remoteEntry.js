/*
 * Challenging Customers Workbook: a written answer is safe to start typing in.
 *
 * A knowledge check's written answers are nbgrader "solution" markdown cells. In JupyterLab 4
 * a double-click on a rendered markdown cell shows its editor but leaves the keyboard in
 * command mode, and a click selects the cell in command mode: either way the letters a learner
 * then types run notebook shortcuts (a, b, x, d d, m, ...) that add, cut or change cells, and
 * the words are lost. This plugin makes every way of starting type into the answer:
 *   - double-click: after JupyterLab shows the editor, the notebook enters edit mode with the
 *     keyboard in the editor;
 *   - click, then type: the first key opens the editor and is typed into it (keys pressed
 *     before the editor has the keyboard are kept and typed in order);
 *   - click, then Enter: the editor opens (JupyterLab's own Enter does the same, but keeps the
 *     cursor at the start).
 * When the answer still holds the released "Write your answer here..." line, that line is
 * selected, so the first words typed replace it.
 *
 * JupyterLab loads prebuilt extensions as webpack "module federation" containers:
 * window._JUPYTERLAB[name] with init(shareScope) and get(module) -> factory. This file is such
 * a container written by hand (it needs no shared modules), so no build step is needed.
 */
(function () {
  "use strict";
  var NAME = "challenging-customers-workbook";
  var STUB = "Write your answer here, in your own words. (Replace this line.)";
  var pending = null; // {cell, text} while an answer's editor is opening

  function isWrittenAnswer(cell) {
    if (!cell || !cell.model || cell.model.type !== "markdown" || cell.readOnly) {
      return false;
    }
    var meta = cell.model.getMetadata ? cell.model.getMetadata("nbgrader") : null;
    return !!(meta && meta.solution === true);
  }

  function notebookAt(app, target) {
    if (!target || !target.closest) {
      return null;
    }
    var node = target.closest(".jp-Notebook");
    if (!node) {
      return null;
    }
    for (var widget of app.shell.widgets("main")) {
      var content = widget.content;
      if (content && content.node === node && "activeCell" in content && "mode" in content) {
        return content;
      }
    }
    return null;
  }

  function placeCursor(cell) {
    var editor = cell.editor;
    var source = cell.model.sharedModel.getSource();
    var end = editor.getPositionAt(source.length) || {line: 0, column: 0};
    if (source.trim() === STUB) {
      editor.setSelection({start: {line: 0, column: 0}, end: end});
    } else {
      editor.setCursorPosition(end);
    }
  }

  function openEditor(notebook, cell, text) {
    pending = {cell: cell, text: text || ""};
    cell.rendered = false;
    notebook.mode = "edit";
    var tries = 0;
    (function ready() {
      var editor = cell.editor;
      if (!editor || cell.isDisposed || !cell.node.isConnected) {
        if (tries++ < 120 && !cell.isDisposed) {
          requestAnimationFrame(ready);
        } else {
          pending = null;
        }
        return;
      }
      if (notebook.mode !== "edit") {
        notebook.mode = "edit";
      }
      editor.focus();
      placeCursor(cell);
      var typed = pending ? pending.text : "";
      pending = null;
      if (typed) {
        editor.replaceSelection(typed);
      }
    })();
  }

  function typedText(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) {
      return null;
    }
    if (event.key === "Enter") {
      return "";
    }
    return event.key && event.key.length === 1 ? event.key : null;
  }

  var plugin = {
    id: NAME + ":written-answers",
    description: "Starting to type in a written answer always types into it.",
    autoStart: true,
    activate: function (app) {
      // After JupyterLab's own double-click handler (on the notebook) has shown the editor.
      document.addEventListener("dblclick", function (event) {
        var notebook = notebookAt(app, event.target);
        if (!notebook) {
          return;
        }
        var cell = notebook.activeCell;
        if (notebook.mode === "command" && isWrittenAnswer(cell) && !cell.rendered) {
          openEditor(notebook, cell, "");
        }
      });
      // Before JupyterLab's shortcuts see the key.
      window.addEventListener("keydown", function (event) {
        var text = typedText(event);
        if (text === null) {
          return;
        }
        if (pending && !pending.cell.isDisposed) {
          if (event.key !== "Enter") {
            pending.text += text;
          } else {
            pending.text += "\n";
          }
          event.preventDefault();
          event.stopImmediatePropagation();
          return;
        }
        var target = event.target;
        if (target && target.closest &&
            target.closest("input, textarea, select, [contenteditable='true']")) {
          return;
        }
        var notebook = notebookAt(app, target);
        if (!notebook || notebook.mode !== "command") {
          return;
        }
        var cell = notebook.activeCell;
        if (!isWrittenAnswer(cell)) {
          return;
        }
        event.preventDefault();
        event.stopImmediatePropagation();
        openEditor(notebook, cell, text);
      }, true);
    }
  };

  var modules = {"./extension": function () { return {__esModule: true, default: [plugin]}; }};
  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB[NAME] = {
    init: function () { return Promise.resolve(); },
    get: function (module) {
      if (!modules[module]) {
        return Promise.reject(new Error(NAME + " has no module " + module));
      }
      return Promise.resolve(modules[module]);
    }
  };
})();
