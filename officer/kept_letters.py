"""A reply letter kept across a refused save, so the officer need not choose it again.

When 填报答复 is refused (a form error, or the service saying no, e.g. a joint opinion
still missing) the letter that came with it is stored in the private media storage
(kept-letters/<user>-<assignment>-<unix time>-<random>), and the page carries a signed
token for it (`kept_letter`): bound to the user and the assignment, valid for MAX_AGE.
Sending the form again without a new file files the kept one, byte for byte; a new file
replaces it.

Bounded: only a letter that passed the form's name and size checks and the content check
is kept, one per user and assignment (keeping another deletes the earlier), and every
keep deletes the kept letters older than MAX_AGE (read from their names: no per-file
query to the storage). A successful save deletes the one it used. Nothing here is a step
of the workflow: no row, no event.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.utils import timezone

from responses.documents.service import delete_quietly
from responses.documents.sniff import RejectedDocument, inspect_upload

FOLDER = "kept-letters"
MAX_AGE = timedelta(hours=12)
SALT = "officer.kept-letter"
FIELD = "kept_letter"


@dataclass(frozen=True)
class KeptLetter:
    token: str
    path: str
    name: str
    size: int

    def open(self) -> File:
        """The kept bytes under the name the officer's file had (the caller closes it)."""
        return File(default_storage.open(self.path, "rb"), name=self.name)


def _prefix(user, assignment) -> str:
    return f"{user.pk}-{assignment.pk}-"


def keep(upload, *, user, assignment) -> KeptLetter | None:
    """Store `upload` for this user and assignment; None if it is no letter to keep."""
    try:
        inspect_upload(upload)
    except RejectedDocument:
        return None
    sweep(user=user, assignment=assignment)
    upload.seek(0)
    name = (upload.name or "reply").replace("\\", "/").rsplit("/", 1)[-1][:255]
    stamp = int(timezone.now().timestamp())
    path = default_storage.save(
        f"{FOLDER}/{_prefix(user, assignment)}{stamp}-{secrets.token_hex(12)}", File(upload)
    )
    payload = {"u": user.pk, "a": assignment.pk, "p": path, "n": name, "s": upload.size}
    return KeptLetter(signing.dumps(payload, salt=SALT), path, name, upload.size)


def restore(token: str, *, user, assignment) -> KeptLetter | None:
    """The letter a token names, if it is this user's for this assignment and still kept."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # tampered, or expired (SignatureExpired)
        return None
    if data.get("u") != user.pk or data.get("a") != assignment.pk:
        return None
    path = data.get("p", "")
    if not path.startswith(f"{FOLDER}/{_prefix(user, assignment)}"):
        return None
    if not default_storage.exists(path):
        return None
    return KeptLetter(token, path, data["n"], data["s"])


def discard(kept: KeptLetter | None) -> None:
    if kept is not None:
        delete_quietly(default_storage, kept.path)


def sweep(*, user=None, assignment=None) -> int:
    """Delete this user's earlier letter for the assignment and every expired one."""
    try:
        _dirs, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    mine = _prefix(user, assignment) if user is not None and assignment is not None else None
    oldest = (timezone.now() - MAX_AGE).timestamp()
    deleted = 0
    for name in files:
        if (mine and name.startswith(mine)) or _stamp(name) < oldest:
            delete_quietly(default_storage, f"{FOLDER}/{name}")
            deleted += 1
    return deleted


def _stamp(name: str) -> float:
    """When a kept letter was stored, from its name ("user-assignment-stamp-random"); a
    name that does not say is treated as expired."""
    parts = name.split("-")
    try:
        return float(parts[2])
    except (IndexError, ValueError):
        return 0.0
