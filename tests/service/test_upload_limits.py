"""An upload without a length (chunked) is counted as it arrives and refused once past the limit."""

from __future__ import annotations

from service_support import make_service


def test_chunked_upload_is_refused(tmp_path):
    svc = make_service(tmp_path, max_file_mb=1)

    def body():
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n"
        for _ in range(3):
            yield b"x" * 1024 * 1024

    r = svc.client.post("/api/v1/theses", content=body(),
                        headers={**svc.auth("lu_sub"), "Content-Type": "multipart/form-data; boundary=b"})
    assert r.json() == {"detail": "the upload is larger than 1 MB"} and r.status_code == 413
    assert not list(svc.settings.data_dir.glob("uploads/**/*.part"))
    assert svc.ran == []
