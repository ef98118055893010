"""A local stand-in HTTP server for translator contract tests (stdlib only, 127.0.0.1, random port)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# handler(path, headers, body) -> (status, json body or None, extra headers)
Handler = Callable[[str, dict[str, str], dict], tuple[int, object, dict[str, str]]]


@contextmanager
def serve(handler: Handler) -> Iterator[tuple[str, list[dict]]]:
    """Run ``handler`` behind a local server; yields its base URL and the list of requests seen."""
    seen: list[dict] = []

    class _H(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server naming
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            headers = {k.lower(): v for k, v in self.headers.items()}
            seen.append({"path": self.path, "headers": headers, "body": body})
            status, answer, extra = handler(self.path, headers, body)
            data = b"" if answer is None else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in extra.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), _H)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def fake_translate(text: str, target: str) -> str:
    return f"[{target}] {text}"
