"""Load test: 50 concurrent visitors on the public pages and 10 officers filing replies.

    .venv/bin/python bench/load.py [--seconds 60] [--visitors 50] [--officers 10]
                                   [--database jianyan_security_load] [--workers 4]

1. Creates its own PostgreSQL database (never the one in DATABASE_URL's name), migrates
   it and loads published proposals plus, for each officer, an agency with open
   assignments.
2. Serves the site with gunicorn on 127.0.0.1 (rate limits off: every client is
   127.0.0.1 here).
3. Runs wrk with `visitors` connections over the public pages (home, list, search,
   detail, agencies, API) while `officers` Python threads log in and file replies (form
   page, then POST with a PDF letter, as a browser does), one per open assignment.
4. Prints requests/s and p95 for each side, and fails (exit 1) on any 5xx or on a reply
   the server acknowledged but the database does not hold.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
PASSWORD = "load-officer-2026"
TIME_ZONE = "Asia/Shanghai"  # settings.TIME_ZONE; this process does not load Django

WRK_LUA = r"""
local paths = {%PATHS%}
local counter = 0
local codes = {}
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1], {["X-Forwarded-Proto"] = "https"})
end
response = function(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
  if status >= 500 then io.stderr:write("5xx " .. status .. "\n") end
end
done = function(summary, latency, requests)
  io.write(string.format(
    "RESULT {\"requests\": %d, \"seconds\": %f, \"p95_ms\": %f, \"p50_ms\": %f, " ..
    "\"errors_status\": %d, \"errors_connect\": %d, \"errors_timeout\": %d}\n",
    summary.requests, summary.duration / 1e6, latency:percentile(95) / 1000,
    latency:percentile(50) / 1000, summary.errors.status, summary.errors.connect,
    summary.errors.timeout))
end
"""


def env_for(database):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{PG}/{database}",
        DJANGO_SETTINGS_MODULE="config.settings",
        RATELIMIT_ENABLED="0",
        JIANYAN_TESTING="0",
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECRET_KEY=env.get("SECRET_KEY", "bench-load-not-secret-" + "x" * 40),
        MEDIA_ROOT=env.get("BENCH_MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "jianyan-load")),
        SECURE_SSL_REDIRECT="0",
    )
    return env


def prepare(database, officers, assignments_each, proposals):
    """Create and fill the database (in a child process, so settings see its URL)."""
    subprocess.run(
        ["dropdb", "--if-exists", "--force", "-h", "127.0.0.1", "-U", "postgres", database],
        check=True,
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    env = env_for(database)
    python = str(ROOT / ".venv/bin/python")
    subprocess.run(
        [python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    code = f"""
import django; django.setup()
from tests.public_data import make_published
from tests.officer_data import make_assignment
from tests.factories import AgencyFactory, SessionFactory, SponsorFactory
from accounts.models import Role, User
from responses.models import AgencyMembership, AssignmentState
session = SessionFactory()
sponsor = SponsorFactory(name="市致公党")
agency = AgencyFactory(name="苏州市工业和信息化局")
ids = [make_published(title=f"关于推进第{{n}}项民生工作的建议", body="苏州 养老 交通 " * 40,
                      session=session, sponsor=sponsor, agency=agency).pk
       for n in range({proposals})]
print("PROPOSALS", ids[0], ids[-1], agency.pk)
for n in range({officers}):
    own = AgencyFactory(name=f"压测承办单位{{n}}")
    user = User.objects.create_user(f"load{{n}}", password="{PASSWORD}", role=Role.OFFICER)
    AgencyMembership.objects.create(user=user, agency=own)
    work = [make_assignment(own, state=AssignmentState.ACCEPTED).pk
            for _ in range({assignments_each})]
    print("OFFICER", user.username, ",".join(map(str, work)))
"""
    out = subprocess.run(
        [python, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    first, last, agency = map(int, re.search(r"PROPOSALS (\d+) (\d+) (\d+)", out).groups())
    work = {
        m[0]: [int(i) for i in m[1].split(",")] for m in re.findall(r"OFFICER (\S+) (\S+)", out)
    }
    return (first, last, agency), work


def serve(database, workers):
    env = env_for(database)
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi:application",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            str(workers),
            "--threads",
            "4",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    import socket

    for _ in range(200):
        if process.poll() is not None:
            raise SystemExit("gunicorn did not start")
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
            time.sleep(1)  # the workers finish importing
            return process
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer")


class Officer(threading.Thread):
    def __init__(self, username, assignments, deadline, results):
        super().__init__(daemon=True)
        self.username, self.assignments, self.deadline = username, assignments, deadline
        self.results = results

    def run(self):
        letter = one_page_pdf()
        base = f"http://127.0.0.1:{PORT}"
        http = Browser()
        page = http.get(f"{base}/accounts/login/")
        http.post(
            f"{base}/accounts/login/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": csrf(page.text),
            },
        )
        for assignment_id in self.assignments:
            if time.monotonic() > self.deadline:
                break
            url = f"{base}/agency/assignments/{assignment_id}/reply/"
            started = time.monotonic()
            form = http.get(url)
            self.results["codes"].append(form.status)
            response = http.post(
                url,
                {
                    "csrfmiddlewaretoken": csrf(form.text),
                    "classification": "A",
                    "summary": "已按建议推进，压测答复。",
                    "signer": "张局长",
                    "is_public": "1",
                    # The committee's date (Asia/Shanghai), as the form shows it; the
                    # machine's UTC date is the day before from 16:00 to midnight UTC.
                    "replied_on": datetime.now(ZoneInfo(TIME_ZONE)).date().isoformat(),
                },
                files={"upload": ("答复函.pdf", letter, "application/pdf")},
            )
            self.results["codes"].append(response.status)
            self.results["latency"].append(time.monotonic() - started)
            if response.status == 302 and "/agency/replies/" in response.location:
                self.results["filed"].append(assignment_id)
            time.sleep(0.5)  # a person, not a loop: read the preview, open the next one


def one_page_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def csrf(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


class Response:
    def __init__(self, status, text, location):
        self.status, self.text, self.location = status, text, location


class Browser:
    """Just enough of a browser on the standard library. Production settings make cookies
    Secure and trust X-Forwarded-Proto (the proxy in front terminates TLS), so this
    client says https the way that proxy would and keeps the cookies itself."""

    def __init__(self):
        import urllib.request

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.cookies = {}
        self.opener = urllib.request.build_opener(NoRedirect())

    def _open(self, url, *, data=None, headers=()):
        import http.cookies
        import urllib.error
        import urllib.request

        origin = f"https://127.0.0.1:{PORT}"
        request = urllib.request.Request(
            url,
            data=data,
            method="POST" if data is not None else "GET",
            headers={
                "X-Forwarded-Proto": "https",
                "Origin": origin,
                "Referer": origin + urllib.parse.urlsplit(url).path,
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                **dict(headers),
            },
        )
        try:
            answer = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            answer = error
        with answer:
            for header in answer.headers.get_all("Set-Cookie") or []:
                jar = http.cookies.SimpleCookie(header)
                self.cookies.update({name: morsel.value for name, morsel in jar.items()})
            text = answer.read().decode(errors="replace")
            return Response(answer.status, text, answer.headers.get("Location") or "")

    def get(self, url):
        return self._open(url)

    def post(self, url, data, files=None):
        import urllib3

        body, content_type = urllib3.encode_multipart_formdata({**data, **(files or {})})
        return self._open(url, data=body, headers={"Content-Type": content_type})


def count_replies(database, assignment_ids):
    env = env_for(database)
    code = (
        "import django; django.setup()\nfrom responses.models import Reply\n"
        f"print(Reply.objects.filter(assignment_id__in={sorted(assignment_ids)!r})"
        ".values('assignment_id').distinct().count())"
    )
    out = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out.strip().splitlines()[-1])


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--officers", type=int, default=10)
    parser.add_argument("--proposals", type=int, default=300)
    parser.add_argument("--database", default="jianyan_security_load")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("bench/load.py needs wrk: run `make bench-deps` first")

    assignments_each = args.seconds * 2 + 10
    (first, last, agency), work = prepare(
        args.database, args.officers, assignments_each, args.proposals
    )
    quoted = urllib.parse.quote
    paths = [
        "/",
        "/proposals/",
        f"/proposals/?q={quoted('养老')}",
        "/agencies/",
        f"/agencies/{agency}/",
        "/api/v1/proposals/",
        "/feed/",
    ]
    paths += [f"/proposals/{pk}/" for pk in range(first, last + 1, max(1, (last - first) // 20))]
    lua = Path(tempfile.mkstemp(suffix=".lua")[1])
    lua.write_text(WRK_LUA.replace("%PATHS%", ", ".join(f'"{p}"' for p in paths)))

    server = serve(args.database, args.workers)
    try:
        results = {"codes": [], "latency": [], "filed": []}
        deadline = time.monotonic() + args.seconds
        officers = [Officer(name, ids, deadline, results) for name, ids in work.items()]
        for officer in officers:
            officer.start()
        wrk = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{args.visitors}",
                f"-d{args.seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(lua),
                f"http://127.0.0.1:{PORT}",
            ],
            capture_output=True,
            text=True,
        )
        for officer in officers:
            officer.join(timeout=30)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    public = json.loads(re.search(r"RESULT (\{.*\})", wrk.stdout)[1])
    public_5xx = wrk.stderr.count("5xx ")
    officer_5xx = sum(1 for code in results["codes"] if code >= 500)
    stored = count_replies(args.database, results["filed"])
    print(
        f"public:   {public['requests'] / public['seconds']:.1f} req/s, "
        f"p50 {public['p50_ms']:.0f} ms, p95 {public['p95_ms']:.0f} ms, "
        f"{public['requests']} requests, non-2xx/3xx {public['errors_status']}, "
        f"5xx {public_5xx}, socket errors "
        f"{public['errors_connect'] + public['errors_timeout']}"
    )
    print(
        f"officers: {len(results['filed'])} replies filed by {args.officers} officers, "
        f"{len(results['filed']) / args.seconds:.1f} replies/s, p95 form+POST "
        f"{percentile(results['latency'], 0.95) * 1000:.0f} ms, 5xx {officer_5xx}, "
        f"replies in the database {stored}"
    )
    ok = (
        public_5xx == 0
        and officer_5xx == 0
        and results["filed"]
        and stored == len(results["filed"])
    )
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
