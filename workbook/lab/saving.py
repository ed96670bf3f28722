"""What is saved when a learner saves a notebook in the workbook's JupyterLab.

An activity is an ipywidgets view: its output holds only the id of a widget model that lives
in the running kernel. Reopened later, with no kernel behind it, JupyterLab shows "Error
displaying widget: model not found" for every activity. ``keep_runnable`` (a ContentsManager
pre_save_hook set by ``workbook open``) saves each such output as one line saying how to show
the activity again instead. The page open now is not touched; widget state saved in the
notebook (JupyterLab's "save widget state" setting) is kept as it is.
"""

from __future__ import annotations

from typing import Any

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
RUN_TO_SHOW = ("Run this cell to show the activity: click it and press Shift+Enter, or choose "
               "Run → Run All Cells.")


def keep_runnable(model: dict[str, Any], **_: Any) -> None:
    """Replace every widget view whose model is not saved with the line ``RUN_TO_SHOW``."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    content = model["content"]
    widgets = content.get("metadata", {}).get("widgets", {})
    saved = widgets.get(WIDGET_STATE, {}).get("state", {}) if isinstance(widgets, dict) else {}
    for cell in content.get("cells", []):
        for output in cell.get("outputs", []) or []:
            data = output.get("data") if isinstance(output, dict) else None
            if not isinstance(data, dict) or WIDGET_VIEW not in data:
                continue
            view = data[WIDGET_VIEW]
            if isinstance(view, dict) and view.get("model_id") in saved:
                continue
            output["data"] = {"text/plain": RUN_TO_SHOW,
                              "text/html": f"<p class='wb-run-to-show'>{RUN_TO_SHOW}</p>"}
