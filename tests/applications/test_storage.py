"""Uploads on object storage (FILE_STORAGE=s3): the same upload, hash and access-checked download, with the file
in a private bucket and nothing on the web server's disk. The S3 API is moto's, in process."""

import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from tests.applications.test_uploads import upload
from tests.helpers import PDF, apply_online

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bucket(settings, tmp_path, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        s3 = boto3.client("s3", region_name="cn-north-1")
        s3.create_bucket(Bucket="uploads", CreateBucketConfiguration={"LocationConstraint": "cn-north-1"})
        settings.MEDIA_ROOT = tmp_path / "media"
        settings.STORAGES = {**settings.STORAGES, "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "uploads", "region_name": "cn-north-1", "location": "govservice",
                        "default_acl": "private", "querystring_auth": True, "file_overwrite": False}}}
        yield s3


def test_a_material_goes_to_the_bucket_and_comes_back_only_to_those_who_may_see_it(
        bucket, settings, as_user, citizen, other_citizen, clerk, item):
    app = apply_online(as_user(citizen), item)
    material = item.current_version.materials.first().pk
    stored = upload(as_user(citizen), app, material, "营业执照.pdf", PDF).json()["materials"][0]
    keys = [o["Key"] for o in bucket.list_objects_v2(Bucket="uploads")["Contents"]]
    assert len(keys) == 1 and keys[0].startswith("govservice/applications/")
    assert bucket.get_object(Bucket="uploads", Key=keys[0])["Body"].read() == PDF
    assert not [f for f in Path(settings.MEDIA_ROOT).rglob("*") if f.is_file()]  # nothing on the server's disk
    downloaded = as_user(clerk).get(stored["download_url"])
    assert downloaded.status_code == 200 and b"".join(downloaded.streaming_content) == PDF
    assert as_user(other_citizen).get(stored["download_url"]).status_code == 404


def test_the_settings_take_object_storage_from_the_environment():
    env = {**os.environ, "FILE_STORAGE": "s3", "S3_BUCKET": "district-uploads",
           "S3_ENDPOINT_URL": "https://oss-cn-shenzhen.aliyuncs.com"}
    shown = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'govservice.settings'; "
         "django.setup(); from django.core.files.storage import storages; s = storages['default']; "
         "print(type(s).__name__, s.bucket_name, s.endpoint_url)"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert shown.stdout.split() == ["S3Storage", "district-uploads", "https://oss-cn-shenzhen.aliyuncs.com"], \
        shown.stderr
    refused = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT,  # noqa: S603
                             env={**env, "S3_BUCKET": ""}, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "S3_BUCKET" in refused.stderr
