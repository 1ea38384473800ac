"""Getting an application ready for acceptance: a complete set of required materials is uploaded."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.applications import services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload_required(application, actor):
    for material in application.item_version.materials.filter(required=True):
        services.upload_material(application_id=application.pk, actor=actor, material_id=material.pk,
                                 upload=SimpleUploadedFile("m.pdf", PDF, content_type="application/pdf"),
                                 now=timezone.now())
