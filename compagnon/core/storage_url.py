"""Where files live, from one ``STORAGE_URL`` (read by settings.py before Django is set up).

Files are the uploads (bank statements, supplier invoices, client imports, logos) and what the app
writes (archived PDFs and e-invoices, letters, signed PDFs, transfer files). Every piece of code
reads and writes them through Django's storage API (``default_storage`` or a ``FieldFile``),
never through a path, so the backend is a setting:

- unset, or ``file://``: the local disk under ``MEDIA_ROOT`` (Django's ``FileSystemStorage``).
  Right for one machine; several machines would each see their own files.
- ``s3://bucket`` or ``s3://bucket/prefix``: an S3-compatible bucket (AWS S3, MinIO, Garage, Ceph,
  a hosting provider's object storage) through django-storages. Query parameters:

  * ``endpoint_url=http://127.0.0.1:9000`` — anything but AWS itself;
  * ``region=eu-west-3``;
  * ``addressing_style=path`` (most self-hosted servers) or ``virtual`` or ``auto``;
  * ``signature_version=s3v4``;
  * ``verify=false`` or ``verify=/path/to/ca.pem`` — the TLS check of the endpoint.

  Credentials are best left out of the URL: boto3 finds ``AWS_ACCESS_KEY_ID`` /
  ``AWS_SECRET_ACCESS_KEY`` in the environment, a profile or the machine's role.
  ``s3://KEY:SECRET@bucket`` (URL-encoded) works too.

The bucket stays private. Objects are written without an ACL (so the bucket's own, private by
default) and nothing links to them: members download files through the app's views, which check
who may see what. Objects are never overwritten (``file_overwrite`` off): a second file with a
name already taken gets a suffix, as on the local disk.

Layout in the bucket: ``<prefix>/media/…`` for the files above (``STORAGES["default"]``),
``<prefix>/peppol-outbox/…`` for the messages of the outbox access point
(``STORAGES["einvoice_outbox"]``, see ``compagnon.einvoice.channels``): apart, so that
``manage.py orphan_files``, which walks the default storage, never counts a message as an orphan.
On the local disk the outbox is ``EINVOICE_OUTBOX_DIR``.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

FILESYSTEM = "django.core.files.storage.FileSystemStorage"
S3 = "storages.backends.s3.S3Storage"
MEDIA_FOLDER = "media"
OUTBOX_FOLDER = "peppol-outbox"
# Reading a file spills to a temporary file past this size instead of holding it all in memory.
SPOOL_BYTES = 5 * 1024 * 1024

_QUERY = {
    "endpoint_url": "endpoint_url",
    "region": "region_name",
    "region_name": "region_name",
    "addressing_style": "addressing_style",
    "signature_version": "signature_version",
    "verify": "verify",
}


class StorageUrlError(ValueError):
    pass


def storages_from_url(url: str | None) -> dict:
    """The ``STORAGES`` entries for files: ``default``, and ``einvoice_outbox`` for a bucket."""
    url = (url or "").strip()
    scheme = urlsplit(url).scheme.lower() if url else "file"
    if scheme == "file":
        if url and urlsplit(url).path.strip("/"):
            raise StorageUrlError(
                "STORAGE_URL=file:// takes no path: local files go to MEDIA_ROOT, set that instead."
            )
        # No location here: FileSystemStorage reads MEDIA_ROOT when it is used.
        return {"default": {"BACKEND": FILESYSTEM}}
    if scheme == "s3":
        return _s3(url)
    raise StorageUrlError(
        f"STORAGE_URL scheme '{scheme}' is not supported: leave it unset for the local disk "
        "(MEDIA_ROOT), or use s3://bucket/prefix?endpoint_url=…&region=…"
    )


def _s3(url: str) -> dict:
    parts = urlsplit(url)
    bucket = parts.hostname or ""
    if not bucket:
        raise StorageUrlError("STORAGE_URL=s3://… needs a bucket name: s3://bucket or s3://bucket/prefix.")
    options = {
        "bucket_name": bucket,
        "default_acl": None,  # the bucket's own (private): nothing is ever public
        "querystring_auth": True,  # should anything ask for a URL, it is signed…
        "querystring_expire": 300,  # … and short-lived
        "file_overwrite": False,
        "max_memory_size": SPOOL_BYTES,
    }
    if parts.username or parts.password:
        if not (parts.username and parts.password):
            raise StorageUrlError("STORAGE_URL=s3://KEY:SECRET@bucket needs both the key and the secret.")
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password)
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key not in _QUERY:
            raise StorageUrlError(
                f"STORAGE_URL parameter '{key}' is not known; use "
                + ", ".join(sorted(k for k in _QUERY if k != "region_name"))
                + "."
            )
        options[_QUERY[key]] = _value(key, value)
    if options.get("addressing_style") not in (None, "path", "virtual", "auto"):
        raise StorageUrlError("STORAGE_URL addressing_style must be path, virtual or auto.")
    prefix = parts.path.strip("/")
    folder = f"{prefix}/" if prefix else ""
    return {
        "default": {"BACKEND": S3, "OPTIONS": {**options, "location": folder + MEDIA_FOLDER}},
        "einvoice_outbox": {"BACKEND": S3, "OPTIONS": {**options, "location": folder + OUTBOX_FOLDER}},
    }


def _value(key: str, value: str):
    if key == "verify":
        lowered = value.strip().lower()
        if lowered in ("false", "0", "no", "off"):
            return False
        if lowered in ("true", "1", "yes", "on", ""):
            return None  # boto3's default: check against the system's authorities
        return value  # a CA bundle
    if not value:
        raise StorageUrlError(f"STORAGE_URL parameter '{key}' is empty.")
    return value

