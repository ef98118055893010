"""Time OAI-PMH ListRecords pages, first to last, on a synthetic embedded repository.

    .venv/bin/python bench/oai/page_latency.py [N]     # N thesis rows, default 50000

Thesis rows (no documents, no passages: harvesting never reads them) are inserted with
raw SQL plus their ``harvest_record`` rows; 10 % embargoed, 10 % restricted, four
institutions. Then the whole list is harvested through resumption tokens at
``oai_page_size`` 100, timing :func:`api.oai.handler.handle` per page. Cursor paging
should make the last page cost what the first does.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from xml.etree import ElementTree as ET

from api.oai.handler import handle
from api.settings import Settings
from repository import sqlite_harvest
from repository.embedded import EmbeddedRepository
from repository.ids import new_id
from repository.models import ThesisMetadata
from similarity.fingerprint import MinHashParams

INSTITUTIONS = ["Latvijas Universitāte", "Rīgas Tehniskā universitāte", "Daugavpils Universitāte", "RSU"]
NS = {"o": "http://www.openarchives.org/OAI/2.0/"}


def fill(repo: EmbeddedRepository, n: int) -> None:
    conn = repo._conn  # a benchmark may reach inside: rows without documents are fine here
    params_key = MinHashParams().key()
    t0 = datetime(2020, 1, 1, tzinfo=timezone.utc)
    conn.execute("BEGIN")
    for i in range(n):
        created = t0 + timedelta(minutes=7 * i)
        access = "embargoed" if i % 10 == 0 else "restricted" if i % 10 == 1 else "open"
        meta = ThesisMetadata(
            title=f"Darbs {i}", institution=INSTITUTIONS[i % 4], authors=["Anna Bērziņa"], access=access,
            embargo_until=(created + timedelta(days=365)).date() if access == "embargoed" else None,
        )
        tid = new_id()
        pk = conn.execute(
            "INSERT INTO thesis(id, sha256, original_filename, size_bytes, format, language, pages, characters,"
            " passages, band_rows, created_at, params_key, metadata_json, family)"
            " VALUES (?, ?, 'a.pdf', 1, 'pdf', 'lv', 1, 1, 0, 0, ?, ?, ?, ?)",
            (tid, f"{i:064x}", created.isoformat(timespec="microseconds"), params_key, meta.model_dump_json(), tid),
        ).lastrowid
        sqlite_harvest.insert(conn, pk, tid, created, meta)
    conn.execute("COMMIT")


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRepository(Path(tmp), params=MinHashParams()) as repo:
        fill(repo, n)
        settings = Settings(_env_file=None, oai_page_size=100)
        now = datetime(2026, 11, 1, tzinfo=timezone.utc)
        args: dict[str, str] = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
        times: list[float] = []
        items = 0
        while True:
            start = time.perf_counter()
            body = handle(args, repo, settings, now=now).body
            times.append(time.perf_counter() - start)
            root = ET.fromstring(body)
            items += len(root.findall("o:ListRecords/o:record", NS))
            token = root.findtext("o:ListRecords/o:resumptionToken", namespaces=NS)
            if not token:
                break
            args = {"verb": "ListRecords", "resumptionToken": token}
        print(f"theses={n} harvested_records={items} pages={len(times)}")
        later = times[1:] or times
        print(
            f"first page (also counts completeListSize) {times[0] * 1000:.1f} ms; later pages median "
            f"{statistics.median(later) * 1000:.1f} ms, max {max(later) * 1000:.1f} ms, "
            f"last {times[-1] * 1000:.1f} ms"
        )
        start = time.perf_counter()
        handle({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "rsu", "from": "2022-01-01"},
               repo, settings, now=now)
        print(f"ListIdentifiers set=rsu from=2022-01-01, first page {(time.perf_counter() - start) * 1000:.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
