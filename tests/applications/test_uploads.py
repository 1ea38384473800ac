"""Uploaded materials: size limit (413), type by content, safe names, SHA-256, access only for those who may see."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.applications.models import UploadedMaterial
from tests.helpers import JPEG, PDF, PNG, apply_online, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, app, material, name, content, content_type="application/pdf"):
    return client.post(url(app["id"], "materials"), {
        "material": material, "file": SimpleUploadedFile(name, content, content_type=content_type)},
        format="multipart")


@pytest.fixture
def app_and_material(as_user, citizen, item):
    app = apply_online(as_user(citizen), item)
    return app, item.current_version.materials.first().pk


@pytest.mark.parametrize(("content", "expected_type"), [(PDF, "application/pdf"), (PNG, "image/png"),
                                                        (JPEG, "image/jpeg")])
def test_pdf_png_and_jpeg_are_kept_with_their_hash(as_user, citizen, app_and_material, content, expected_type):
    app, material = app_and_material
    response = upload(as_user(citizen), app, material, "scan.bin", content, "application/octet-stream")
    assert response.status_code == 201, response.json()
    stored = response.json()["materials"][0]
    assert stored["content_type"] == expected_type
    assert stored["sha256"] == hashlib.sha256(content).hexdigest()
    assert stored["size"] == len(content)


def test_an_executable_renamed_pdf_is_refused(as_user, citizen, app_and_material):
    app, material = app_and_material
    response = upload(as_user(citizen), app, material, "申请表.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    assert response.status_code == 400
    assert "file" in response.json()
    assert UploadedMaterial.objects.count() == 0


def test_a_path_traversal_name_is_stored_under_a_random_name(as_user, citizen, app_and_material, settings):
    app, material = app_and_material
    response = upload(as_user(citizen), app, material, "../../../etc/passwd.pdf", PDF)
    assert response.status_code == 201
    stored = UploadedMaterial.objects.get()
    assert stored.original_name == "passwd.pdf"
    assert ".." not in stored.file.name
    assert stored.file.path.startswith(str(settings.MEDIA_ROOT))


def test_oversized_files_get_413(as_user, citizen, app_and_material, settings):
    app, material = app_and_material
    settings.UPLOAD_MAX_BYTES = 1024
    response = upload(as_user(citizen), app, material, "big.pdf", PDF + b"0" * 2048)
    assert response.status_code == 413
    # A body far over the limit is refused from its Content-Length, before it is read.
    huge = upload(as_user(citizen), app, material, "huge.pdf", PDF + b"0" * 200_000)
    assert huge.status_code == 413
    assert UploadedMaterial.objects.count() == 0


def test_empty_files_and_foreign_materials_are_400(as_user, citizen, app_and_material):
    app, material = app_and_material
    assert upload(as_user(citizen), app, material, "empty.pdf", b"").status_code == 400
    assert upload(as_user(citizen), app, 999999, "x.pdf", PDF).status_code == 400


def test_only_those_who_may_see_the_application_download_its_files(as_user, citizen, other_citizen, clerk,
                                                                   app_and_material):
    app, material = app_and_material
    stored = upload(as_user(citizen), app, material, "a.pdf", PDF).json()["materials"][0]
    assert stored["download_url"].startswith("http://testserver/api/v1/")  # a URI, as the schema says
    assert as_user(citizen).get(stored["download_url"]).status_code == 200
    downloaded = as_user(clerk).get(stored["download_url"])
    assert downloaded.status_code == 200 and b"".join(downloaded.streaming_content) == PDF
    assert as_user(other_citizen).get(stored["download_url"]).status_code == 404


def test_no_uploads_after_acceptance(as_user, citizen, clerk, app_and_material):
    app, material = app_and_material
    as_user(clerk).post(url(app["id"], "accept"))
    assert upload(as_user(citizen), app, material, "late.pdf", PDF).status_code == 409


def test_a_huge_body_is_refused_from_its_length_before_anything_reads_it(as_user, citizen, app_and_material, settings):
    """Even a signed-in browser session (whose CSRF check would parse the body) gets 413 at once."""
    from django.test import Client
    app, _material = app_and_material
    settings.UPLOAD_MAX_BYTES = 1024
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    response = client.generic("POST", url(app["id"], "materials"), data=b"x" * 10,
                              content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert response.status_code == 413
    assert "MB" in response.json()["detail"]
