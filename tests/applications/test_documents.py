import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services
from applications.errors import CaseError
from applications.models import CaseEvent
from core.errors import DomainError

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(
    ("content", "content_type"), [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")]
)
def test_documents_are_typed_by_content_and_stored_under_media_root(
    make_application, caseworker, settings, content, content_type
):
    application = make_application()
    upload = SimpleUploadedFile("../../发票.exe", content, content_type="text/plain")
    document = services.add_document(application=application, by=caseworker, kind="invoice", uploaded=upload)
    assert document.content_type == content_type
    assert document.original_name == "发票.exe"
    stored = settings.MEDIA_ROOT / document.file.name
    assert stored.read_bytes() == content
    assert ".." not in document.file.name
    assert application.events.filter(kind=CaseEvent.Kind.DOCUMENT_ADDED).count() == 1


def test_a_file_that_is_not_pdf_jpeg_or_png_is_refused_whatever_its_name(make_application, caseworker):
    upload = SimpleUploadedFile("invoice.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    with pytest.raises(DomainError) as excinfo:
        services.add_document(application=make_application(), by=caseworker, kind="invoice", uploaded=upload)
    assert excinfo.value.code == CaseError.DOCUMENT_TYPE


def test_size_limit_is_a_setting(make_application, caseworker, settings):
    settings.JIUZHU_DOCUMENT_MAX_BYTES = 20
    upload = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
    with pytest.raises(DomainError) as excinfo:
        services.add_document(application=make_application(), by=caseworker, kind="id_scan", uploaded=upload)
    assert excinfo.value.code == CaseError.DOCUMENT_TOO_LARGE
    assert "20" in excinfo.value.message


def test_upload_outside_region_is_refused(make_application, make_staff):
    other = make_staff("township_caseworker", "510703003")
    upload = SimpleUploadedFile("scan.pdf", PDF)
    with pytest.raises(DomainError) as excinfo:
        services.add_document(application=make_application(), by=other, kind="id_scan", uploaded=upload)
    assert excinfo.value.code == CaseError.OUTSIDE_REGION
