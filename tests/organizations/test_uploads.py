"""The upload helpers every upload goes through: names made harmless, headers that every client reads."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from organizations import uploads

from .. import files


@pytest.mark.parametrize(
    "name,cleaned",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\léa\\Bilan.pdf", "Bilan.pdf"),
        ("invoice\u202efdp.exe", "invoice fdp.exe"),
        ("a\r\nBcc: x@example.com.pdf", "a Bcc_ x@example.com.pdf"),
        ('say "hi"<script>.txt', "say _hi__script_.txt"),
        ("zero\u200bwidth.pdf", "zero width.pdf"),
        ("   ...   ", "file"),
        ("", "file"),
        ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
    ],
)
def test_it_cleans_a_file_name_for_display(name, cleaned):
    assert uploads.clean_filename(name) == cleaned


@pytest.mark.parametrize(
    "name,header",
    [
        ("guide.pdf", 'attachment; filename="guide.pdf"'),
        (
            "Café crème.pdf",
            "attachment; filename=\"Cafe creme.pdf\"; filename*=UTF-8''Caf%C3%A9%20cr%C3%A8me.pdf",
        ),
        (
            "日本語.docx",
            "attachment; filename=\"file.docx\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.docx",
        ),
        ('a";b\r\n.pdf', "attachment; filename=\"a__b.pdf\"; filename*=UTF-8''a_%3Bb.pdf"),
    ],
)
def test_it_writes_an_rfc_6266_content_disposition(name, header):
    assert uploads.content_disposition(name) == header


def test_a_file_checked_for_one_kind_is_left_at_its_start():
    upload = SimpleUploadedFile("guide.pdf", files.PDF)
    assert uploads.check_upload(upload, uploads.RESOURCE) is uploads.PDF
    assert upload.read() == files.PDF


def test_a_text_file_must_decode_and_hold_no_markup():
    for content in [b"caf\xe9\n", "café\n".encode(), b"\xef\xbb\xbfemail;role\n", b"a < b\n"]:
        uploads.check_upload(SimpleUploadedFile("notes.txt", content), uploads.RESOURCE)
    for content in [
        b"abc\x00def",
        b"  <SCRIPT>alert(1)</script>",
        b"<?xml version='1.0'?><svg/>",
        b"\x81\x8d\x8f",
    ]:
        with pytest.raises(ValidationError):
            uploads.check_upload(SimpleUploadedFile("notes.txt", content), uploads.RESOURCE)
