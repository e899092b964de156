"""A recognition document is served like an evidence file (issue 10, §4): never sniffed,
sandboxed, not cached; PDF and images open in the browser, other files download."""

from __future__ import annotations

from ntm.recognition.tests.helpers import case_at
from ntm.testing import assert_served_as_upload


def test_case_documents_carry_the_upload_headers_on_the_page_and_the_api(client, world):
    case = case_at(world, "dossier")
    document = case.documents.first()
    assert document.content_type == "application/pdf"
    client.force_login(world["users"]["kylac"])
    paths = (
        f"/recognition/documents/{document.pk}/",
        f"/api/recognition/documents/{document.pk}/file",
    )
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert response["Content-Disposition"].startswith("inline;"), path
        assert_served_as_upload(response)
    document.file.storage.delete(document.file.name)
    assert [client.get(path).status_code for path in paths] == [404, 404]
