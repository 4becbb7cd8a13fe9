"""PostgreSQL restarted under load: requests fail cleanly and recover without a restart.

A private PostgreSQL cluster (initdb in a temporary folder, a free port, run as the
`postgres` user when the test runs as root) holds a migrated database with published
proposals and an officer's open assignments. gunicorn serves the site on it with
production settings (DEBUG off, DB_CONN_MAX_AGE kept connections, several sync workers)
while threads read public pages, the API and /healthz, and an officer files replies.
Then the cluster is restarted (`pg_ctl restart -m fast`) and later stopped for a few
seconds and started again. Checked:

- no 500 and no other 5xx than 503, no request hangs (each answers within seconds);
- every 503 is clean: the Chinese message page (JSON under /api/), Retry-After, no
  traceback; /healthz says database not ok with 503 while it is down;
- once PostgreSQL is back, every request succeeds again, gunicorn never restarted a
  worker, and every reply the server acknowledged is in the database.

Never touches the machine's own PostgreSQL. Skipped only when PostgreSQL's server
binaries are not installed.
"""

import contextlib
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import urllib3
from django.utils import timezone

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
OFFICER_PASSWORD = "pg-fault-officer-2026"
MESSAGE = "系统暂时无法访问数据库"
REQUEST_TIMEOUT = 15  # seconds; a request still unanswered after this counts as a hang
SLOWEST_ALLOWED = 8.0  # connect_timeout is 5 s: no answer may take longer than this


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    return Path(found[-1]).parent if found else None


def _version(path: str) -> float:
    try:
        return float(Path(path).parent.parent.name)
    except ValueError:
        return 0.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A throw-away PostgreSQL cluster in a temporary folder on a free port."""

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="jianyan-pg-fault-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        # PostgreSQL refuses to run as root: run its programs as the postgres user then.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.folder, "postgres", "postgres")

    def run(self, program: str, *args: str, timeout: int = 120) -> None:
        subprocess.run(
            [*self.as_owner, str(self.bin_dir / program), *args],
            check=True,
            capture_output=True,
            timeout=timeout,
            cwd=self.folder,
        )

    def init(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        settings = {
            "port": self.port,
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.folder}'",
            "fsync": "off",  # a test cluster: speed over durability
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": 40,
        }
        config = "\n".join(f"{key} = {value}" for key, value in settings.items())
        subprocess.run(
            [*self.as_owner, "sh", "-c", f"cat >> {self.data / 'postgresql.conf'}"],
            input=config + "\n",
            text=True,
            check=True,
        )

    def ctl(self, *args: str) -> float:
        """Run pg_ctl (waiting for it to finish); return when it returned."""
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", *args)
        return time.monotonic()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError):
                self.run(
                    "pg_ctl", "-D", str(self.data), "-w", "-t", "30", "stop", "-m", "immediate"
                )
        shutil.rmtree(self.folder, ignore_errors=True)


def site_environment(database_url: str, var_dir: Path) -> dict[str, str]:
    """Production settings (as bench/public.py's bench_environment), on the cluster."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        JIANYAN_TESTING="false",
        DATABASE_URL=database_url,
        DB_CONN_MAX_AGE="60",  # kept connections: they are what a restart breaks
        DEBUG="false",
        SECRET_KEY="pg-fault-" + "k" * 60,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        JIANYAN_VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(var_dir / "media"),
        LOG_LEVEL="WARNING",
        AXES_ENABLED="false",
        RATELIMIT_ENABLED="false",  # every client here is 127.0.0.1
        REDIS_URL="",
    )
    return env


LOAD_DATA = f"""
import django; django.setup()
from accounts.models import Role, User
from responses.models import AgencyMembership, AssignmentState
from tests.factories import AgencyFactory, SessionFactory, SponsorFactory
from tests.officer_data import make_assignment
from tests.public_data import make_published
session = SessionFactory()
sponsor = SponsorFactory(name="市致公党")
agency = AgencyFactory(name="苏州市工业和信息化局")
ids = [make_published(title=f"关于推进第{{n}}项民生工作的建议", body="苏州 养老 交通 " * 20,
                      session=session, sponsor=sponsor, agency=agency).pk for n in range(6)]
own = AgencyFactory(name="故障演练承办单位")
officer = User.objects.create_user("pgfault", password="{OFFICER_PASSWORD}", role=Role.OFFICER)
AgencyMembership.objects.create(user=officer, agency=own)
work = [make_assignment(own, state=AssignmentState.ACCEPTED).pk for _ in range(60)]
print("DATA", ",".join(map(str, ids)), ",".join(map(str, work)))
"""


@dataclass
class Hit:
    who: str
    method: str
    path: str
    started: float
    ended: float
    status: int | None  # None: no answer (refused, reset, timed out)
    body: str
    headers: dict
    error: str = ""

    @property
    def seconds(self) -> float:
        return self.ended - self.started


class Client:
    """A cookie-keeping HTTP client on the standard library (no redirects followed)."""

    def __init__(self, base: str, who: str, hits: list, lock: threading.Lock):
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.base, self.who, self.hits, self.lock = base, who, hits, lock
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect())

    def request(self, path: str, *, data: bytes | None = None, headers=None) -> Hit:
        method = "POST" if data is not None else "GET"
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={**({"Cookie": cookie} if cookie else {}), **(headers or {})},
        )
        started = time.monotonic()
        status, body, answer_headers, error = None, "", {}, ""
        try:
            try:
                answer = self.opener.open(request, timeout=REQUEST_TIMEOUT)
            except urllib.error.HTTPError as http_error:
                answer = http_error
            with answer:
                status = answer.status
                answer_headers = dict(answer.headers.items())
                body = answer.read().decode("utf-8", errors="replace")
                for header in answer.headers.get_all("Set-Cookie") or []:
                    name, _, rest = header.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
        except (OSError, urllib.error.URLError) as exc:
            error = f"{exc.__class__.__name__}: {exc}"
        hit = Hit(self.who, method, path, started, time.monotonic(), status, body, answer_headers)
        hit.error = error
        with self.lock:
            self.hits.append(hit)
        return hit

    def post_form(self, path: str, fields: dict, files: dict | None = None) -> Hit:
        body, content_type = urllib3.encode_multipart_formdata({**fields, **(files or {})})
        return self.request(path, data=body, headers={"Content-Type": content_type})


def csrf_token(html: str) -> str | None:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found[1] if found else None


def visitor(client: Client, paths: list[str], stop: threading.Event) -> None:
    turn = 0
    while not stop.is_set():
        client.request(paths[turn % len(paths)])
        turn += 1
        time.sleep(0.05)


def officer(client: Client, assignments: list[int], filed: list, stop: threading.Event) -> None:
    """Log in, then file one reply after another (form, then POST with a PDF letter);
    an assignment whose POST was not acknowledged is tried again."""
    from tests.officer_data import pdf_bytes

    letter = pdf_bytes()
    login = client.request("/accounts/login/")
    client.post_form(
        "/accounts/login/",
        {
            "username": "pgfault",
            "password": OFFICER_PASSWORD,
            "csrfmiddlewaretoken": csrf_token(login.body),
        },
    )
    pending = list(assignments)
    while pending and not stop.is_set():
        assignment = pending[0]
        url = f"/agency/assignments/{assignment}/reply/"
        form = client.request(url)
        token = csrf_token(form.body) if form.status == 200 else None
        if token:
            answer = client.post_form(
                url,
                {
                    "csrfmiddlewaretoken": token,
                    "classification": "A",
                    "summary": "已按建议推进，故障演练答复。",
                    "signer": "张局长",
                    "is_public": "1",
                    # The committee's date, not the machine's (UTC): they differ at night.
                    "replied_on": timezone.localdate().isoformat(),
                    "replied_time": f"{timezone.localtime():%H:%M}",
                },
                files={"upload": ("答复函.pdf", letter, "application/pdf")},
            )
            if answer.status == 302 and "/agency/replies/" in answer.headers.get("Location", ""):
                filed.append((assignment, answer.ended))
                pending.pop(0)
        time.sleep(0.2)


@pytest.fixture
def cluster():
    bin_dir = _postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) not installed")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        pytest.skip("running as root without runuser: cannot start PostgreSQL as postgres")
    cluster = Cluster(bin_dir)
    try:
        cluster.init()
        cluster.ctl("start")
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def site(cluster, tmp_path):
    """The database migrated and filled, gunicorn serving it; torn down in any case."""
    import psycopg

    with psycopg.connect(cluster.url("postgres"), autocommit=True) as connection:
        connection.execute('CREATE DATABASE "jianyan"')
    env = site_environment(cluster.url("jianyan"), tmp_path / "var")
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=300)
    out = subprocess.run(
        [PYTHON, "-c", LOAD_DATA],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
    proposals, assignments = re.search(r"DATA (\S+) (\S+)", out).groups()

    port = _free_port()
    log_path = tmp_path / "gunicorn.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [
            GUNICORN,
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--timeout",
            "30",
            "--log-level",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped with its workers
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, log_path.read_text()
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not become healthy"
            time.sleep(0.3)
        yield {
            "base": base,
            "server": server,
            "log": log_path,
            "env": env,
            "proposals": [int(pk) for pk in proposals.split(",")],
            "assignments": [int(pk) for pk in assignments.split(",")],
        }
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
        log.close()


def replies_in_database(env: dict, assignment_ids: list[int]) -> set[int]:
    code = (
        "import django; django.setup()\nfrom responses.models import Reply\n"
        f"print(sorted(set(Reply.objects.filter(assignment_id__in={sorted(assignment_ids)!r})"
        ".values_list('assignment_id', flat=True))))"
    )
    out = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_requests_fail_cleanly_while_postgresql_restarts_and_recover_without_a_restart(
    cluster, site
):
    base, proposals = site["base"], site["proposals"]
    hits: list[Hit] = []
    lock = threading.Lock()
    stop = threading.Event()
    paths = [
        "/",
        "/proposals/",
        *[f"/proposals/{pk}/" for pk in proposals[:3]],
        f"/api/v1/proposals/{proposals[0]}/",
        "/api/v1/proposals/",
        "/healthz",
    ]
    filed: list[tuple[int, float]] = []
    threads = [
        threading.Thread(
            target=visitor, args=(Client(base, f"visitor{n}", hits, lock), paths, stop)
        )
        for n in range(3)
    ]
    threads.append(
        threading.Thread(
            target=officer,
            args=(Client(base, "officer", hits, lock), site["assignments"], filed, stop),
        )
    )
    probe = Client(base, "probe", hits, lock)
    try:
        for thread in threads:
            thread.start()
        time.sleep(3)

        # 1. A fast restart under load: sessions are cut, the server is gone ~a second.
        cluster.ctl("restart", "-m", "fast")
        restarted = time.monotonic()
        time.sleep(4)

        # 2. Down for several seconds, then back.
        stopping = time.monotonic()
        cluster.ctl("stop", "-m", "fast")
        stopped = time.monotonic()
        time.sleep(1)
        down_health = probe.request("/healthz")
        down_page = probe.request("/", headers={"Accept-Language": "zh-hans"})
        down_api = probe.request("/api/v1/proposals/")
        time.sleep(3)
        starting = time.monotonic()
        started = cluster.ctl("start")
        filed_before_back = len(filed)
        time.sleep(5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    server = site["server"]
    log = site["log"].read_text(errors="replace")
    statuses: dict = {}
    for hit in hits:
        statuses[hit.status] = statuses.get(hit.status, 0) + 1
    print(  # shown with -s or on failure: what the load saw
        f"{len(hits)} requests, by status {statuses}, slowest "
        f"{max(h.seconds for h in hits):.2f} s, replies filed {len(filed)}"
    )

    # While it was down: clean 503s, the health check says why.
    assert down_health.status == 503, down_health.body
    health = json.loads(down_health.body)
    assert health["status"] == "fail" and health["checks"]["database"]["ok"] is False
    assert down_page.status == 503 and MESSAGE in down_page.body, down_page.body[:500]
    assert "<html" in down_page.body and "Traceback" not in down_page.body
    assert down_api.status == 503
    assert down_api.headers.get("Content-Type", "").startswith("application/json")
    assert MESSAGE in json.loads(down_api.body)["detail"]

    # Nothing hung, nothing was refused at the socket, no 500 anywhere.
    assert hits, "no request was made"
    no_answer = [h for h in hits if h.status is None]
    assert no_answer == [], [(h.path, h.error) for h in no_answer[:5]]
    slow = [(h.path, round(h.seconds, 1)) for h in hits if h.seconds > SLOWEST_ALLOWED]
    assert slow == [], slow
    server_errors = [(h.method, h.path, h.status) for h in hits if h.status >= 500]
    assert [e for e in server_errors if e[2] != 503] == [], server_errors[:5]
    for hit in hits:
        if hit.status != 503:
            continue
        assert "Traceback" not in hit.body, hit.body[:500]
        if hit.path == "/healthz":
            assert json.loads(hit.body)["checks"]["database"]["ok"] is False
        else:
            assert MESSAGE in hit.body, hit.body[:500]
            assert hit.headers.get("Retry-After"), hit.path

    # Every request made while PostgreSQL was fully down answered 503.
    outage = [h for h in hits if h.started > stopped and h.ended < starting]
    assert len(outage) >= 10, "the load did not keep going during the outage"
    assert {h.status for h in outage} == {503}

    # Every request begun once it was back (after the restart, after the start)
    # succeeded, served by the same gunicorn workers.
    after_restart = [h for h in hits if restarted < h.started and h.ended < stopping]
    after_start = [h for h in hits if h.started > started]
    for window in (after_restart, after_start):
        assert len(window) >= 10
        failed = [(h.method, h.path, h.status) for h in window if h.status >= 400]
        assert failed == [], failed[:5]
    assert server.poll() is None, "gunicorn died"
    assert "WORKER TIMEOUT" not in log
    assert len(re.findall(r"Booting worker with pid", log)) == 3, "a worker was restarted"
    assert "database unavailable, answered 503" in log  # the log says what happened
    assert "Internal Server Error" not in log

    # Writes work again, and no acknowledged reply was lost.
    assert len(filed) > filed_before_back, "the officer could not file a reply after recovery"
    acknowledged = {assignment for assignment, _ in filed}
    assert acknowledged <= replies_in_database(site["env"], sorted(acknowledged))
