"""Where uploaded letters and rendered PDFs live: the local MEDIA_ROOT or an S3 bucket.

MEDIA_STORAGE=s3 stores them with django-storages in an S3-compatible bucket (AWS S3,
MinIO, Ceph, …) that every web and worker process reaches, instead of a folder they
would have to share over NFS. The bucket stays private: objects are written with a
private ACL and no file is ever linked to directly (no signed query-string URLs either:
a signed URL would let anyone holding it skip the permission check). Files are streamed
through the views that check who asks (officer/files.py, portal/files.py).
"""

from botocore.config import Config
from django.core.exceptions import ImproperlyConfigured

FILESYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def s3_storage(
    *,
    bucket: str | None,
    endpoint_url: str | None = None,
    region: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
    addressing_style: str = "",
    prefix: str = "",
    acl: str = "private",
) -> dict:
    """The STORAGES["default"] entry for an S3 bucket (names are the env variables)."""
    if not bucket:
        raise ImproperlyConfigured("S3_BUCKET must be set when MEDIA_STORAGE=s3")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured(
            "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together "
            "(or neither: then boto3 finds credentials itself, e.g. an instance role)"
        )
    # A server of one's own (MinIO, moto) answers at one address, not bucket.host.
    style = addressing_style or ("path" if endpoint_url else "auto")
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url,
        "region_name": region,
        "access_key": access_key,
        "secret_key": secret_key,
        "location": prefix.strip("/"),
        "default_acl": None if acl == "none" else acl,
        "querystring_auth": False,
        # Two letters may get the same name (it starts with their sha256): keep both, as
        # FileSystemStorage does, rather than overwrite one that a reply still refers to.
        "file_overwrite": False,
        # A file read from the bucket is buffered: in memory up to 5 MiB, then on disk
        # (the default keeps a 20 MiB letter in each web process's memory).
        "max_memory_size": 5 * 1024 * 1024,
        "client_config": Config(
            s3={"addressing_style": style},
            signature_version="s3v4",
            # An unreachable store fails a request within seconds, not minutes; renders
            # treat it as transient and retry (responses/documents/service.py).
            connect_timeout=5,
            read_timeout=60,
            retries={"max_attempts": 3, "mode": "standard"},
        ),
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
