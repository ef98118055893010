"""JSON and text log lines: fields, request/job ids, and nothing secret written."""

from __future__ import annotations

import io
import json
import logging

import pytest

from api.logs import MAX_MESSAGE_CHARS, configure_logging, log_context
from api.settings import Settings


@pytest.fixture
def capture():
    """Configure logging into a buffer; restore the root logger afterwards."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    buffers = []

    def _configure(**fields) -> io.StringIO:
        buffer = io.StringIO()
        configure_logging(Settings(_env_file=None, **fields), stream=buffer)
        buffers.append(buffer)
        return buffer

    yield _configure
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def _lines(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_json_lines_carry_the_standard_fields_and_ids(capture):
    out = capture(log_format="json", log_level="info")
    log = logging.getLogger("kratuve.test")
    log.debug("not written at INFO")
    with log_context(request_id="req-1"):
        with log_context(job_id="job-7"):
            log.info("job %s started", "job-7", extra={"pages": 3})
        log.warning("after the job")
    log.info("outside")
    lines = _lines(out)
    assert [entry["message"] for entry in lines] == ["job job-7 started", "after the job", "outside"]
    first = lines[0]
    assert first["level"] == "INFO" and first["logger"] == "kratuve.test"
    assert first["timestamp"].endswith("+00:00") and "T" in first["timestamp"]
    assert first["request_id"] == "req-1" and first["job_id"] == "job-7" and first["pages"] == 3
    assert lines[1]["request_id"] == "req-1" and "job_id" not in lines[1]
    assert "request_id" not in lines[2]


def test_uvicorn_colour_copy_is_dropped(capture):
    out = capture(log_format="json")
    logging.getLogger("uvicorn.error").info("Started server process [%d]", 7,
                                            extra={"color_message": "Started server process [\x1b[36m%d\x1b[0m]"})
    (entry,) = _lines(out)
    assert entry["message"] == "Started server process [7]" and "color_message" not in entry


def test_explicit_ids_in_extra_win(capture):
    out = capture(log_format="json")
    logging.getLogger("t").info("x", extra={"job_id": "j2"})
    assert _lines(out)[0]["job_id"] == "j2"


def test_secrets_and_thesis_text_are_never_written(capture):
    out = capture(log_format="json")
    log = logging.getLogger("kratuve.test")
    key = "krv_s3cr3tKEYvalue0123456789"
    thesis = "Šis ir maģistra darbs par valodu. " * 500
    log.info("auth header Bearer %s", key)
    log.info("X-API-Key: %s and password=hunter22 for redis://user:pw123@redis:6379/0", key)
    log.info("broker redis://:redisPW77@redis:6379/0 and store postgresql://kratuve:pgPW88@db/kratuve")
    log.info("upload", extra={"api_key": key, "text": thesis, "file_content": b"%PDF-1.7", "size": 10})
    log.info("bad document: %r", thesis)
    written = out.getvalue()
    for secret in (key, "hunter22", "pw123", "redisPW77", "pgPW88", "%PDF"):  # Redis URLs have no user name
        assert secret not in written
    upload = _lines(out)[3]
    assert upload["api_key"] == upload["text"] == upload["file_content"] == "[redacted]"
    assert upload["size"] == 10
    assert len(_lines(out)[4]["message"]) < MAX_MESSAGE_CHARS + 100


def test_exceptions_are_one_json_line(capture):
    out = capture(log_format="json")
    try:
        raise ValueError("broken file")
    except ValueError:
        logging.getLogger("t").exception("failed")
    (entry,) = _lines(out)
    assert entry["level"] == "ERROR" and "ValueError: broken file" in entry["exception"]


def test_text_format_and_reconfiguring_replaces_the_handler(capture):
    capture(log_format="json")
    out = capture(log_format="text", log_level="WARNING")
    ours = [h for h in logging.getLogger().handlers if h.get_name() == "kratuve"]
    assert len(ours) == 1
    with log_context(job_id="j9"):
        logging.getLogger("a.b").warning("slow check token=abcdef123")
    line = out.getvalue().strip()
    assert " WARNING a.b [job=j9] slow check token=[redacted]" in line
    assert "abcdef123" not in line


def test_bad_log_settings_are_refused():
    with pytest.raises(ValueError, match="log_format"):
        Settings(_env_file=None, log_format="xml")
    with pytest.raises(ValueError, match="log_level"):
        Settings(_env_file=None, log_level="LOUD")
