"""The course on JupyterHub with nbgrader's exchange, with real system accounts (issue 10).

Starts JupyterHub from deploy/jupyterhub/jupyterhub_config.py (PAM login, LocalProcessSpawner)
and its proxy on 127.0.0.1, with one tutor and three learner accounts made for the test. Each
person logs in through the Hub's login form with their own password. Learners fetch, answer
and submit unit2, and fetch their feedback, through their own single-user servers (nbgrader's
Assignment List API and Jupyter's contents API); the tutor releases, collects, autogrades and
returns feedback with nbgrader run as the tutor's account. Every account, home folder and
process made here is removed afterwards, also when a test fails.

Needs root, ``jupyterhub`` in a Python environment every account can run (this one, or the
one named by WORKBOOK_HUB_ENV) and ``configurable-http-proxy`` (npm) on PATH.
"""

from __future__ import annotations

import csv
import grp
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from tests.conftest import ROOT, copy_course
from workbook.tutor.simulate import fill, right_answers, wrong_answers

pytestmark = [pytest.mark.hub, pytest.mark.slow]

UNIT = "unit2"
COURSE_ID = "challenging-customers"
HUB_ENV = Path(os.environ.get("WORKBOOK_HUB_ENV", sys.prefix))
HUB_BIN = HUB_ENV / "bin"
DEPLOY = ROOT / "deploy" / "jupyterhub"


def missing_requirement() -> str | None:
    if not sys.platform.startswith("linux") or not hasattr(os, "geteuid"):
        return "needs Linux system accounts"
    if os.geteuid() != 0:
        return "needs root: makes system accounts and runs JupyterHub's PAM login and spawner"
    for tool in ("useradd", "userdel", "groupadd", "groupdel", "chpasswd", "runuser"):
        if shutil.which(tool) is None:
            return f"needs {tool} (Debian package passwd/util-linux)"
    if not (HUB_BIN / "jupyterhub").exists():
        return f"jupyterhub is not installed in {HUB_ENV}: pip install jupyterhub"
    if shutil.which("configurable-http-proxy") is None:
        return "configurable-http-proxy is not on PATH: npm install -g configurable-http-proxy"
    return None


if missing_requirement():
    pytest.skip(missing_requirement(), allow_module_level=True)

requests = pytest.importorskip("requests")


# ---------------------------------------------------------------- helpers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(*command: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(command)} failed ({result.returncode}):\n"
                    f"{result.stdout}\n{result.stderr}")
    return result


def processes_of(uid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except FileNotFoundError:
                pass
    return pids


class Account:
    """A system account made for this test, with the password it logs in with."""

    def __init__(self, name: str, group: str):
        self.name, self.group = name, group
        self.password = secrets.token_urlsafe(16)
        self.home = Path("/home") / name
        self.uid = -1

    def env(self, hub_env: dict[str, str]) -> list[str]:
        """`env` arguments giving a command the environment the Hub gives this account."""
        return ["env", "-i", f"HOME={self.home}", f"USER={self.name}", f"LOGNAME={self.name}",
                *(f"{key}={value}" for key, value in hub_env.items())]


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def accounts(request):
    """A tutor and three learners, in a tutor and a learner group, with private homes."""
    suffix = secrets.token_hex(3)
    tutors, learners = f"wbtutors{suffix}", f"wblearners{suffix}"
    people = {"tutor": Account(f"wbtutor{suffix}", tutors)}
    for role in ("right", "wrong", "blank"):
        people[role] = Account(f"wb{role}{suffix}", learners)

    for group in (tutors, learners):
        run("groupadd", group)
        request.addfinalizer(lambda group=group: run("groupdel", group, check=False))
    for person in people.values():
        request.addfinalizer(lambda person=person: remove_account(person))
        # deploy/README.md: homes are private (0700), so no one reads another's work.
        run("useradd", "--create-home", "--shell", "/bin/bash", "--gid", person.group,
            "-K", "HOME_MODE=0700", person.name)
        person.home.chmod(0o700)
        person.uid = int(run("id", "-u", person.name).stdout)
        run("chpasswd", input=f"{person.name}:{person.password}\n")

    probe = run("runuser", "-u", people["tutor"].name, "--", str(HUB_BIN / "python"), "-c",
                "import workbook, nbgrader, jupyterhub", check=False)
    if probe.returncode != 0:
        pytest.skip(f"the Python environment {HUB_ENV} cannot be used by other accounts "
                    f"(set WORKBOOK_HUB_ENV to one that can): {probe.stderr.strip()[-300:]}")
    return people


def remove_account(person: Account) -> None:
    """Stop every process of the account, delete it, its home and its files in /tmp."""
    if person.uid < 0:
        result = subprocess.run(["id", "-u", person.name], capture_output=True, text=True)
        if result.returncode != 0:
            return
        person.uid = int(result.stdout)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in processes_of(person.uid):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 5
        while processes_of(person.uid) and time.monotonic() < deadline:
            time.sleep(0.1)
    subprocess.run(["userdel", "--remove", person.name], capture_output=True)
    shutil.rmtree(person.home, ignore_errors=True)
    for scratch in ("/tmp", "/var/tmp", "/dev/shm"):
        subprocess.run(["find", scratch, "-xdev", "-mindepth", "1", "-maxdepth", "1",
                        "-uid", str(person.uid), "-exec", "rm", "-rf", "{}", "+"],
                       capture_output=True)


@pytest.fixture(scope="module")
def hub(request, accounts):
    """JupyterHub and its proxy from the shipped config, on free ports on 127.0.0.1."""
    state = Path(tempfile.mkdtemp(prefix="wbhub-state-"))  # 0700: the hub's own secrets
    request.addfinalizer(lambda: shutil.rmtree(state, ignore_errors=True))
    shared = Path(tempfile.mkdtemp(prefix="wbhub-shared-"))
    request.addfinalizer(lambda: shutil.rmtree(shared, ignore_errors=True))
    shared.chmod(0o755)
    # The config is copied where every account can read it, as /etc/jupyterhub would be.
    config_dir = shared / "jupyterhub"
    shutil.copytree(DEPLOY, config_dir)
    exchange = shared / "exchange"
    exchange.mkdir()
    exchange.chmod(0o1777)  # deploy/README.md: install -d -m 1777 /srv/nbgrader/exchange
    # The lessons, where every account can read them: the hub environment may hold a plain
    # (not editable) install of the workbook, which has no notebooks/ beside it.
    lessons = shared / "lessons"
    shutil.copytree(ROOT / "notebooks", lessons)
    for path in (lessons, *lessons.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)

    port, hub_port, api_port = free_port(), free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    test_config = state / "jupyterhub_config.py"
    test_config.write_text(
        "c = get_config()\n"
        f"load_subconfig({str(config_dir / 'jupyterhub_config.py')!r})\n"
        f"c.JupyterHub.hub_bind_url = 'http://127.0.0.1:{hub_port}'\n"
        f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{api_port}'\n")
    environment = {
        "PATH": os.pathsep.join([str(HUB_BIN), str(Path(shutil.which("configurable-http-proxy"))
                                                   .parent), "/usr/sbin", "/usr/bin", "/bin"]),
        "WORKBOOK_TUTOR_GROUP": accounts["tutor"].group,
        "WORKBOOK_LEARNER_GROUP": accounts["right"].group,
        "WORKBOOK_EXCHANGE": str(exchange),
        "WORKBOOK_HUB_STATE": str(state),
        "WORKBOOK_HUB_URL": url,
        "WORKBOOK_LESSONS": str(lessons),
    }
    log = open(state / "hub.log", "w")  # noqa: SIM115 - closed by the finalizer
    process = subprocess.Popen([str(HUB_BIN / "jupyterhub"), "-f", str(test_config)],
                               cwd=state, env=environment, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)

    def stop():
        process.send_signal(signal.SIGTERM)  # the hub stops the proxy and every user's server
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the proxy, if the hub left it behind
        except ProcessLookupError:
            pass
        process.wait()
        log.close()

    request.addfinalizer(stop)
    deadline = time.monotonic() + 90
    while True:
        if process.poll() is not None:
            pytest.fail(f"JupyterHub stopped at start-up:\n{(state / 'hub.log').read_text()}")
        try:
            if requests.get(f"{url}/hub/api/", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"JupyterHub did not answer:\n{(state / 'hub.log').read_text()}")
        time.sleep(0.5)
    # What the Hub gives each single-user server (jupyterhub_config.py), for commands run as
    # an account outside its server.
    user_env = {"PATH": f"{HUB_BIN}:/usr/local/bin:/usr/bin:/bin",
                "WORKBOOK_EXCHANGE": str(exchange),
                "JUPYTER_CONFIG_PATH": str(config_dir / "jupyter")}
    return {"url": url, "exchange": exchange, "state": state, "user_env": user_env}


def login(url: str, name: str, password: str) -> tuple[requests.Session, requests.Response]:
    """Fill in and send the Hub's login form, as a browser would."""
    http = requests.Session()
    page = http.get(f"{url}/hub/login", timeout=30)
    xsrf = re.search(r'name="_xsrf"[^>]*value="([^"]+)"', page.text).group(1)
    response = http.post(f"{url}/hub/login", timeout=120, allow_redirects=False,
                         data={"username": name, "password": password, "_xsrf": xsrf})
    return http, response


class Session:
    """One person logged in through the Hub's login form, with their own API token."""

    def __init__(self, hub: dict, person: Account):
        self.url, self.person = hub["url"], person
        self.http, self.login_response = login(self.url, person.name, person.password)
        self.token = None

    @property
    def logged_in(self) -> bool:
        return self.login_response.status_code == 302 and any(
            cookie.name.startswith("jupyterhub-session") for cookie in self.http.cookies)

    def start(self) -> None:
        """Make a token with the login session, then start the server and wait until ready."""
        api = f"{self.url}/hub/api/users/{self.person.name}"
        made = self.http.post(f"{api}/tokens", json={"note": "test", "expires_in": 3600},
                              headers={"X-XSRFToken": self.http.cookies.get("_xsrf", "")},
                              timeout=30)
        assert made.status_code == 201, made.text
        self.token = made.json()["token"]
        self.http.headers["Authorization"] = f"token {self.token}"
        started = self.http.post(f"{api}/server", timeout=120)
        assert started.status_code in (201, 202, 400), started.text  # 400: already running
        deadline = time.monotonic() + 120
        while not self.http.get(api, timeout=30).json()["servers"].get("", {}).get("ready"):
            assert time.monotonic() < deadline, f"{self.person.name}'s server did not start"
            time.sleep(0.5)

    def server(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.http.request(method, f"{self.url}/user/{self.person.name}/{path}",
                                 timeout=300, **kwargs)

    def assignments(self) -> dict[str, dict]:
        listed = self.server("GET", "assignments", params={"course_id": COURSE_ID})
        assert listed.status_code == 200, listed.text
        return {a["assignment_id"]: a for a in listed.json()["value"]}

    def act(self, action: str) -> None:
        done = self.server("POST", f"assignments/{action}",
                           data={"course_id": COURSE_ID, "assignment_id": UNIT})
        assert done.status_code == 200, done.text
        assert done.json()["success"], done.json()


def as_user(person: Account, hub: dict, *command: str, cwd: Path | None = None,
            check: bool = True) -> subprocess.CompletedProcess:
    return run("runuser", "-u", person.name, "--", *person.env(hub["user_env"]), *command,
               cwd=cwd or person.home, check=check)


@pytest.fixture(scope="module")
def loop(accounts, hub, course):
    """The whole course loop for unit2, through the Hub, recorded for the tests below."""
    tutor = accounts["tutor"]
    record: dict = {}
    sessions = {role: Session(hub, person) for role, person in accounts.items()}
    record["logged_in"] = {role: s.logged_in for role, s in sessions.items()}
    _, wrong_password = login(hub["url"], accounts["right"].name, "not-the-password")
    record["wrong_password_status"] = wrong_password.status_code
    for session in sessions.values():
        assert session.logged_in, session.login_response.text[-500:]
        session.start()

    # The tutor's copy of the course, and the ~/nbgrader_config.py that points formgrader at it.
    course_dir = tutor.home / COURSE_ID
    copy_course(course_dir)
    shutil.copy(DEPLOY / "tutor_nbgrader_config.py", tutor.home / "nbgrader_config.py")
    run("chown", "-R", f"{tutor.name}:{tutor.group}", str(course_dir),
        str(tutor.home / "nbgrader_config.py"))
    nbgrader = [str(HUB_BIN / "python"), "-m", "nbgrader"]
    as_user(tutor, hub, *nbgrader, "generate_assignment", UNIT, "--force", cwd=course_dir)
    as_user(tutor, hub, *nbgrader, "release_assignment", UNIT, cwd=course_dir)

    assignment = course.assignment(UNIT)
    answers = {"right": right_answers(assignment), "wrong": wrong_answers(assignment),
               "blank": {}}
    for role, chosen in answers.items():
        learner = sessions[role]
        record.setdefault("listed", {})[role] = learner.assignments()[UNIT]["status"]
        learner.act("fetch")
        path = f"api/contents/{UNIT}/{UNIT}.ipynb"
        fetched = learner.server("GET", path)
        assert fetched.status_code == 200, fetched.text
        notebook = fill(nbformat.from_dict(fetched.json()["content"]), chosen)
        saved = learner.server("PUT", path, json={"type": "notebook", "format": "json",
                                                  "content": notebook})
        assert saved.status_code == 200, saved.text
        learner.act("submit")
    inbound = hub["exchange"] / COURSE_ID / "inbound"
    record["inbound"] = {p.name.split("+")[0]: p for p in inbound.iterdir()}

    as_user(tutor, hub, *nbgrader, "collect", UNIT, cwd=course_dir)
    record["autograde"] = as_user(tutor, hub, *nbgrader, "autograde", UNIT, "--force",
                                  cwd=course_dir)
    as_user(tutor, hub, *nbgrader, "generate_feedback", UNIT, "--force", cwd=course_dir)
    as_user(tutor, hub, *nbgrader, "release_feedback", UNIT, cwd=course_dir)
    as_user(tutor, hub, *nbgrader, "export", "--to", "grades.csv", cwd=course_dir)
    with open(course_dir / "grades.csv", newline="") as handle:
        record["scores"] = {row["student_id"]: float(row["raw_score"])
                            for row in csv.DictReader(handle) if row["assignment"] == UNIT}

    for role in answers:
        sessions[role].act("fetch_feedback")
        record.setdefault("feedback", {})[role] = sorted(
            (accounts[role].home / UNIT / "feedback").glob(f"*/{UNIT}.html"))
    record["formgrader"] = {
        role: sessions[role].server("GET", "formgrader/api/assignments")
        for role in ("tutor", "right")}
    record["lab_page"] = {role: sessions[role].server("GET", "lab").text
                          for role in ("tutor", "right")}
    record["course_dir"] = course_dir
    return record


# ---------------------------------------------------------------- the tests


def test_everyone_logs_in_with_their_own_password_and_a_wrong_one_is_refused(loop):
    assert loop["logged_in"] == {"tutor": True, "right": True, "wrong": True, "blank": True}
    assert loop["wrong_password_status"] == 403


def test_learners_see_the_released_unit_in_their_assignment_list(loop):
    assert loop["listed"] == {"right": "released", "wrong": "released", "blank": "released"}


def test_everyone_gets_their_own_copy_of_the_lessons(loop, accounts):
    lessons = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert lessons
    for person in accounts.values():
        copied = sorted(person.home.glob("lessons/*.ipynb"))
        assert [p.name for p in copied] == lessons, person.name
        assert all(p.stat().st_uid == person.uid for p in copied)


def test_tutor_has_formgrader_on_the_course_and_learners_do_not(loop):
    tutor_view, learner_view = loop["formgrader"]["tutor"], loop["formgrader"]["right"]
    assert tutor_view.status_code == 200, tutor_view.text
    assert UNIT in {a["name"] for a in tutor_view.json()}
    assert learner_view.status_code == 404
    # JupyterLab's menu follows: the learner's page switches the Formgrader plugin off.
    disabled = {role: json.loads(re.search(
        r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
        page, re.S).group(1)).get("disabledExtensions", [])
        for role, page in loop["lab_page"].items()}
    assert "@jupyter/nbgrader:formgrader" in disabled["right"]
    assert "@jupyter/nbgrader:formgrader" not in disabled["tutor"]


def test_every_lab_loads_the_workbook_extension_for_written_answers(loop):
    """The hub gives each server what `workbook open` gives it (jupyterhub_config.py), so the
    workbook's own JupyterLab extension, which makes starting to type in a written answer
    safe, is loaded for learners and tutors alike."""
    for role, page in loop["lab_page"].items():
        config = json.loads(re.search(
            r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
            page, re.S).group(1))
        loaded = {e.get("name") for e in config.get("federated_extensions", [])}
        assert "challenging-customers-workbook" in loaded, (role, sorted(loaded))
        assert config.get("exposeAppInBrowser") is True, role


def test_scores_match_the_answers(loop, accounts, course):
    total = course.assignment(UNIT).autograded_points
    assert loop["scores"] == {accounts["right"].name: total, accounts["wrong"].name: 0.0,
                              accounts["blank"].name: 0.0}


def test_each_learner_fetched_their_own_feedback(loop, accounts):
    for role, pages in loop["feedback"].items():
        assert len(pages) == 1, (role, pages)
        page = pages[0]
        assert page.stat().st_uid == accounts[role].uid
        assert "HIDDEN TESTS" not in page.read_text()


def test_a_learner_cannot_list_the_inbound_folder_or_read_the_tutors_course(loop, accounts, hub):
    learner = accounts["wrong"]
    inbound = hub["exchange"] / COURSE_ID / "inbound"
    listing = as_user(learner, hub, "ls", str(inbound), check=False)
    assert listing.returncode != 0 and "Permission denied" in listing.stderr
    source = loop["course_dir"] / "source" / UNIT / f"{UNIT}.ipynb"
    assert source.exists()
    for secret in (source, loop["course_dir"] / "gradebook.db"):
        reading = as_user(learner, hub, "cat", str(secret), check=False)
        assert reading.returncode != 0 and "Permission denied" in reading.stderr


def test_a_learner_cannot_read_another_learners_work_or_feedback(loop, accounts, hub):
    intruder, other = accounts["wrong"], accounts["right"]
    for secret in (other.home / UNIT / f"{UNIT}.ipynb", loop["feedback"]["right"][0]):
        reading = as_user(intruder, hub, "cat", str(secret), check=False)
        assert reading.returncode != 0 and "Permission denied" in reading.stderr
    feedback_outbound = hub["exchange"] / COURSE_ID / "feedback"
    listing = as_user(intruder, hub, "ls", str(feedback_outbound), check=False)
    assert listing.returncode != 0 and "Permission denied" in listing.stderr


def test_a_learner_cannot_read_or_change_another_learners_submission(loop, accounts, hub):
    """nbgrader alone leaves a submission open to anyone who learns its folder's name; the
    hub's submit (workbook.exchange.PrivateSubmit) closes it to all but the learner and the
    tutor, who still collected it above."""
    submission = loop["inbound"][accounts["right"].name]
    name, unit, _timestamp, random_part = submission.name.split("+")
    assert (name, unit) == (accounts["right"].name, UNIT) and len(random_part) >= 12
    assert submission.stat().st_gid == grp.getgrnam(accounts["tutor"].group).gr_gid
    assert submission.stat().st_mode & 0o007 == 0
    intruder = accounts["wrong"]
    for secret in (submission / f"{UNIT}.ipynb", submission / "submission_secret.txt"):
        reading = as_user(intruder, hub, "cat", str(secret), check=False)
        assert reading.returncode != 0 and "Permission denied" in reading.stderr
    writing = as_user(intruder, hub, "touch", str(submission / "planted.txt"), check=False)
    assert writing.returncode != 0 and "Permission denied" in writing.stderr
