"""A local server that speaks Alibaba Cloud's Dysmsapi SendSms protocol, for the aliyun
SMS backend's tests (the provider is off this machine).

It checks each request as the provider would: the action and version, the signature
(ACS3-HMAC-SHA256 over the canonical request, with the test's secret) and the SendSms
parameters, then answers what the test queued: {"Code": "OK", "BizId": …} by default, a
business error code (HTTP 200, as SendSms answers them) or an HTTP error."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

ACCESS_KEY_ID = "LTAI-test-key"
ACCESS_KEY_SECRET = "test-secret-0123456789"


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def expected_signature(method: str, path: str, query: list, headers, signed: list[str]) -> str:
    canonical_query = "&".join(
        f"{_encode(k)}={_encode(v)}" for k, v in sorted(query, key=lambda kv: kv[0])
    )
    canonical_headers = "".join(f"{name}:{headers[name].strip()}\n" for name in signed)
    canonical = "\n".join(
        [
            method,
            path,
            canonical_query,
            canonical_headers,
            ";".join(signed),
            headers["x-acs-content-sha256"],
        ]
    )
    to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
    return hmac.new(ACCESS_KEY_SECRET.encode(), to_sign.encode(), hashlib.sha256).hexdigest()


@dataclass
class SmsServer:
    """answers: what the next requests get, in order (then OK): "OK", a Code string, or
    an int HTTP status. requests: the SendSms parameters of each request received."""

    answers: list = field(default_factory=list)
    requests: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    port: int = 0
    delay: float = 0.0  # seconds each answer waits (to make two senders overlap)
    _ids = itertools.count(1)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def check(self, handler, body: bytes) -> dict | None:
        parts = urlsplit(handler.path)
        query = parse_qsl(parts.query, keep_blank_values=True)
        params = dict(query)
        headers = {k.lower(): v for k, v in handler.headers.items()}
        auth = headers.get("authorization", "")
        fields = dict(
            item.split("=", 1) for item in auth.removeprefix("ACS3-HMAC-SHA256 ").split(",")
        )
        signed = fields.get("SignedHeaders", "").split(";")
        if hashlib.sha256(body).hexdigest() != headers.get("x-acs-content-sha256"):
            return {"problem": "payload hash"}
        if fields.get("Credential") != ACCESS_KEY_ID:
            return {"problem": "InvalidAccessKeyId.NotFound"}
        if fields.get("Signature") != expected_signature(
            handler.command, parts.path, query, headers, signed
        ):
            return {"problem": "SignatureDoesNotMatch"}
        action = params.get("Action") or headers.get("x-acs-action")
        version = params.get("Version") or headers.get("x-acs-version")
        if action != "SendSms" or version != "2017-05-25":
            return {"problem": f"action {action} {version}"}
        missing = [
            name
            for name in ("PhoneNumbers", "SignName", "TemplateCode", "TemplateParam")
            if not params.get(name)
        ]
        if missing:
            return {"problem": f"missing {missing}"}
        return params

    def start(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = min(int(self.headers.get("content-length") or 0), 65536)
                params = server.check(self, self.rfile.read(length))
                if "problem" in params:
                    server.problems.append(params["problem"])
                    return self.answer(403 if "Signature" in params["problem"] else 400, {
                        "Code": params["problem"], "Message": "refused", "RequestId": "r"
                    })  # fmt: skip
                server.requests.append(params)
                threading.Event().wait(server.delay)
                answer = server.answers.pop(0) if server.answers else "OK"
                if isinstance(answer, int):
                    return self.answer(answer, {"Code": "ServiceUnavailable", "Message": "x"})
                if answer == "OK":
                    biz_id = f"{900000 + next(server._ids)}^0"
                    body = {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": "r"}
                    return self.answer(200, body)
                return self.answer(200, {"Code": answer, "Message": "触发流控", "RequestId": "r"})

            def answer(self, status, body):
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._http.server_port
        threading.Thread(target=self._http.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self._http.shutdown()
        self._http.server_close()
