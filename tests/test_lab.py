"""``workbook open`` starts JupyterLab as a learner should see it (workbook/lab): a real server,
started by the real command with a bare PATH, asked over HTTP and through a real terminal."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_course

pytestmark = pytest.mark.slow


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def learner_lab(tmp_path_factory):
    work = tmp_path_factory.mktemp("open")
    root = copy_course(work / "course")
    shutil.copytree(ROOT / "release", root / "release")
    (root / "autograded").mkdir()
    (root / "submitted").mkdir()
    (root / "gradebook.db").write_text("")
    port = _port()
    # A bare PATH, as a desktop launcher or a fresh terminal would give: no venv on it.
    env = {**os.environ, "PATH": "/usr/bin:/bin", "HOME": str(work / "home"),
           "JUPYTER_RUNTIME_DIR": str(work / "runtime"), "WORKBOOK_PROGRESS_DIR":
           str(work / "progress"), "WORKBOOK_EXCHANGE": str(work / "no-exchange")}
    (work / "home").mkdir()
    log = open(work / "open.log", "w+")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "workbook"), "--course-dir", str(root), "open",
         "--no-browser", f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1"],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        address = None
        while time.monotonic() < deadline and address is None:
            assert process.poll() is None, (work / "open.log").read_text()[-2000:]
            time.sleep(0.5)
            found = re.search(r"http://127\.0\.0\.1:\d+/\S+", (work / "open.log").read_text())
            address = found and found.group(0)
        assert address, (work / "open.log").read_text()[-2000:]
        yield {"address": address, "port": port, "root": root,
               "token": address.split("token=")[1], "log": work / "open.log"}
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _get(lab, path: str) -> tuple[int, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{lab['port']}{path}",
                                     headers={"Authorization": f"token {lab['token']}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_no_browser_prints_the_start_pages_address(learner_lab):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/lab/tree/notebooks/00_start_here\.ipynb"
                        r"\?token=[0-9a-f]{20,}", learner_lab["address"])
    status, body = _get(learner_lab, "/lab/tree/notebooks/00_start_here.ipynb")
    assert status == 200 and b"jupyter-config-data" in body


def test_tutor_folders_are_hidden_from_the_file_browser(learner_lab):
    status, body = _get(learner_lab, "/api/contents/")
    names = {item["name"] for item in json.loads(body)["content"]}
    assert {"notebooks", "release"} <= names
    assert names.isdisjoint({"source", "course_data", "autograded", "submitted",
                             "gradebook.db"}), names


def test_tutor_tools_and_news_are_off(learner_lab):
    assert _get(learner_lab, "/formgrader")[0] == 404
    status, body = _get(learner_lab, "/lab")
    config = json.loads(re.search(rb'id="jupyter-config-data"[^>]*>(.*?)</script>', body,
                                  re.S).group(1))
    disabled = set(config["disabledExtensions"])
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
            "@jupyter/nbgrader:course-list", "@jupyterlab/apputils-extension:announcements",
            # no exchange (a laptop): nothing to fetch, so no Assignment List or its menu
            "@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:menu"} <= disabled
    names = {extension["name"] for extension in config["federated_extensions"]}
    assert "challenging-customers-workbook" in names


async def _terminal(lab, line: str) -> str:
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest
    from tornado.websocket import websocket_connect

    headers = {"Authorization": f"token {lab['token']}"}
    base = f"127.0.0.1:{lab['port']}"
    response = await AsyncHTTPClient().fetch(HTTPRequest(
        f"http://{base}/api/terminals", method="POST", body="{}", headers=headers))
    name = json.loads(response.body)["name"]
    socket_ = await websocket_connect(HTTPRequest(f"ws://{base}/terminals/websocket/{name}",
                                                  headers=headers))
    await socket_.write_message(json.dumps(["stdin", line + "; echo END-$((6*7))\r"]))
    out = ""
    while "END-42" not in out:
        message = json.loads(await asyncio.wait_for(socket_.read_message(), 60))
        if message[0] == "stdout":
            out += message[1]
    socket_.close()
    return out


def test_a_terminal_in_jupyterlab_finds_the_workbook_command(learner_lab):
    out = asyncio.run(_terminal(learner_lab, "workbook --help | head -1"))
    assert "usage: workbook" in out, out
    assert "command not found" not in out


def test_a_saved_activity_reopens_as_a_line_saying_to_run_it():
    from workbook.lab.saving import RUN_TO_SHOW, WIDGET_STATE, WIDGET_VIEW, keep_runnable

    def view(model_id):
        return {"output_type": "display_data", "metadata": {},
                "data": {"text/plain": "VBox()", WIDGET_VIEW: {"model_id": model_id,
                                                                "version_major": 2}}}

    printed = {"output_type": "stream", "name": "stdout", "text": "✓ Your answer"}
    model = {"type": "notebook", "content": {
        "metadata": {"widgets": {WIDGET_STATE: {"state": {"kept": {}}}}},
        "cells": [{"cell_type": "code", "outputs": [view("gone"), printed]},
                  {"cell_type": "code", "outputs": [view("kept")]},
                  {"cell_type": "markdown", "source": "text"}]}}
    keep_runnable(model)
    first, second = (c["outputs"] for c in model["content"]["cells"][:2])
    assert first[0]["data"]["text/plain"] == RUN_TO_SHOW and WIDGET_VIEW not in first[0]["data"]
    assert first[1] == printed
    assert WIDGET_VIEW in second[0]["data"]  # its state is saved: it still shows
    keep_runnable({"type": "file", "content": "not a notebook"})  # other files untouched
