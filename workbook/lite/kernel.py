"""Two fixes to the browser edition's kernel (Pyodide), made when a lesson imports workbook.

:func:`keep_nulls`: the kernel loses every ``None`` in a widget message; this puts it back.
The Pyodide kernel hands each comm message (a widget's state, an update) to JavaScript with
Pyodide's default conversion, which turns ``None`` into ``undefined``; the message is then sent
as JSON, which drops ``undefined``. So a widget trait set to ``None`` in Python never reaches the
page: a drop-down reset to "Choose…" (``value=None``) or a radio group with nothing chosen keeps
what the page last showed, and the page and Python disagree about what is answered. Found
with the quiz done by mouse in the lite edition: the page showed the first option of each
matching drop-down (``selectedIndex`` 0) while Python held no answer, so a learner's view and
the quiz's check could differ. The kernel now gets each message's content and metadata as
parsed JSON (a JavaScript object made by ``JSON.parse``), whose nulls survive.

:func:`search_drive_last`: the notebook's folder (``''`` on ``sys.path``) is in the browser's
storage (``/drive``), where every look costs a request to the page; Python looked there first
for every module it imported (some 100 requests for a lesson's first cell). It is now looked
in last, so a learner's own module next to the notebook still imports.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def keep_nulls() -> bool:
    """In the browser edition, make the kernel send ``None`` in comm messages as JSON null.
    Safe to call more than once; returns True when it changed the kernel just now."""
    if sys.platform != "emscripten":
        return False
    try:
        from IPython import get_ipython
        from js import JSON  # Pyodide's bridge to the page's JavaScript
    except ImportError:
        return False
    shell = get_ipython()
    send = getattr(shell, "send_comm", None)
    if send is None or getattr(send, "keeps_nulls", False):
        return False

    def as_js(value: Any) -> Any:
        return JSON.parse(json.dumps(value if value is not None else {}, default=str))

    def send_comm(msg_type: str, content: Any, metadata: Any, ident: Any, buffers: Any) -> Any:
        return send(msg_type, as_js(content), as_js(metadata), ident, buffers)

    send_comm.keeps_nulls = True
    shell.send_comm = send_comm
    return True


def search_drive_last() -> bool:
    """In the browser edition, move the notebook's folder to the end of ``sys.path``. Returns
    True when it moved it."""
    if sys.platform != "emscripten" or "" not in sys.path or sys.path[-1] == "":
        return False
    sys.path.remove("")
    sys.path.append("")
    return True
