"""Where an SMS goes, chosen by SMS_BACKEND as Django chooses EMAIL_BACKEND:

- ``console``: printed (development);
- ``file``: one JSON line per message, appended to a file per day under SMS_FILE_PATH;
- ``locmem``: kept in ``backends.outbox`` (tests);
- ``aliyun``: Alibaba Cloud SMS (responses/sms/aliyun.py).

A backend sends one message and returns the provider's id for it, or raises
SmsTransientError (worth trying again later: network, flow control, a provider fault)
or SmsPermanentError (it will never go: a refused number, a wrong template)."""

from __future__ import annotations

import json
import sys
import uuid
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from responses.sms.base import (  # noqa: F401 - the backends' vocabulary, re-exported
    BaseBackend,
    Outgoing,
    SmsError,
    SmsPermanentError,
    SmsTransientError,
)


class ConsoleBackend(BaseBackend):
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message: Outgoing) -> str:
        biz_id = f"console-{uuid.uuid4().hex}"
        line = json.dumps(asdict(message), ensure_ascii=False, sort_keys=True)
        self.stream.write(f"SMS {biz_id} {line}\n")
        self.stream.flush()
        return biz_id


class FileBackend(BaseBackend):
    def __init__(self, path: str | Path | None = None):
        self.folder = Path(path or settings.SMS_FILE_PATH)

    def send(self, message: Outgoing) -> str:
        biz_id = f"file-{uuid.uuid4().hex}"
        sent_at = timezone.localtime()
        record = {"biz_id": biz_id, "sent_at": sent_at.isoformat(), **asdict(message)}
        self.folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
        with open(self.folder / f"sms-{sent_at:%Y-%m-%d}.jsonl", "a", encoding="utf-8") as out:
            out.write(line)  # one write per line: concurrent senders do not interleave
        return biz_id


# What the locmem backend sent, oldest first; tests empty it.
outbox: list[Outgoing] = []


class LocmemBackend(BaseBackend):
    def send(self, message: Outgoing) -> str:
        outbox.append(message)
        return f"locmem-{len(outbox)}"


def get_backend(name: str | None = None) -> BaseBackend:
    name = name or settings.SMS_BACKEND
    if name == "aliyun":
        from responses.sms.aliyun import AliyunBackend

        return AliyunBackend()
    backends = {"console": ConsoleBackend, "file": FileBackend, "locmem": LocmemBackend}
    if name not in backends:
        raise ValueError(f"unknown SMS backend {name!r}")
    return backends[name]()
