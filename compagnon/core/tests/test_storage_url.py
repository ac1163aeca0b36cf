"""STORAGE_URL: the local disk by default, a private S3-compatible bucket when set, and a clear
message for what it cannot mean."""

import pytest

from compagnon.core.storage_url import FILESYSTEM, S3, StorageUrlError, storages_from_url


@pytest.mark.parametrize("url", [None, "", "  ", "file://"])
def test_without_storage_url_files_stay_on_the_local_disk_under_media_root(url):
    # no location: FileSystemStorage reads MEDIA_ROOT when used (tests move it per test)
    assert storages_from_url(url) == {"default": {"BACKEND": FILESYSTEM}}


def test_a_bucket_with_its_endpoint_and_region_keeps_files_private_and_never_overwritten():
    storages = storages_from_url(
        "s3://compagnon-files/prod?endpoint_url=http://127.0.0.1:9000&region=eu-west-3&addressing_style=path"
    )
    default = storages["default"]
    assert default["BACKEND"] == S3
    options = default["OPTIONS"]
    assert options["bucket_name"] == "compagnon-files"
    assert options["location"] == "prod/media"
    assert options["endpoint_url"] == "http://127.0.0.1:9000"
    assert options["region_name"] == "eu-west-3"
    assert options["addressing_style"] == "path"
    assert options["default_acl"] is None and options["file_overwrite"] is False
    assert options["querystring_auth"] is True and options["querystring_expire"] <= 300
    assert "access_key" not in options  # boto3 finds the credentials (environment, profile, role)
    # the outbox sits beside the files, not among them: orphan_files never sees a message
    outbox = storages["einvoice_outbox"]["OPTIONS"]
    assert outbox["location"] == "prod/peppol-outbox" and outbox["bucket_name"] == "compagnon-files"


def test_a_bucket_without_prefix_and_with_credentials_in_the_url():
    options = storages_from_url("s3://AKIA%2Fkey:se%40cret@files")["default"]["OPTIONS"]
    assert options["location"] == "media"
    assert (options["access_key"], options["secret_key"]) == ("AKIA/key", "se@cret")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("s3://files?verify=false", False),
        ("s3://files?verify=/etc/ssl/ca.pem", "/etc/ssl/ca.pem"),
        ("s3://files?verify=true", None),
    ],
)
def test_the_tls_check_of_the_endpoint_can_be_turned_off_or_given_a_ca(url, expected):
    assert storages_from_url(url)["default"]["OPTIONS"]["verify"] == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://files", "not supported"),
        ("s3://", "needs a bucket"),
        ("s3://files?endpoint=http://x", "'endpoint' is not known"),
        ("s3://files?region=", "is empty"),
        ("s3://files?addressing_style=sideways", "path, virtual or auto"),
        ("s3://onlykey@files", "both the key and the secret"),
        ("file:///srv/media", "MEDIA_ROOT"),
    ],
)
def test_a_url_it_cannot_use_is_refused_saying_why(url, message):
    with pytest.raises(StorageUrlError, match=message):
        storages_from_url(url)
