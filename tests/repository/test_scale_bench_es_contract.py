"""Contract test: ``bench/repository/scale.py --es-url`` (the operator's sizing command for an
Elasticsearch cluster) run as a real command against the recording stand-in.

No Elasticsearch server can be installed on this machine, so this proves the requests and the
bookkeeping (import into the prefix's indices, resume from the stored count, the store and heap
figures read from ``_stats`` and ``_nodes/stats``, candidate lookups timed), not any figure: the
stand-in's sizes are its own JSON bytes and its heap figures are fixed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from es_standin import StandIn

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
SCRIPT = REPO / "bench" / "repository" / "scale.py"

pytestmark = pytest.mark.skipif(
    not (SHARED / "theses" / "liu-phd-2023" / "thesis.pdf").is_file(),
    reason=f"shared data folder {SHARED} is absent (the benchmark corpus is built from it)",
)


def _run(url: str, out: Path, docs: int, *extra: str) -> str:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--docs", str(docs), "--workers", "1", "--out", str(out),
         "--es-url", url, "--es-prefix", "sizing", *extra],
        capture_output=True, text=True, timeout=600, cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_scale_benchmark_imports_into_elasticsearch_resumes_and_reads_cluster_sizes(tmp_path):
    out = tmp_path / "scale-es"
    with StandIn() as es:
        _run(es.url, out, 2, "--no-lookup")
        assert len(es.docs("sizing-theses")) == 2
        bulk_before = len(es.calls("POST", "_bulk")) + len(es.calls("PUT", "_bulk"))

        printed = _run(es.url, out, 3, "--runs", "2")  # a rerun continues after the stored two

        theses = es.docs("sizing-theses")
        assert len(theses) == 3
        assert len(es.calls("POST", "_bulk")) + len(es.calls("PUT", "_bulk")) == bulk_before + 1
        assert not any(name.startswith("kratuve-") for name in es.indices)  # the prefix is kept apart
        refreshes = [r for r in es.requests if r.path.endswith("/_refresh")]
        assert refreshes and all(r.path.startswith("/sizing-*") for r in refreshes)
        passages = es.docs("sizing-passages")

    log = json.loads((out / "scale.json").read_text())
    assert log["backend"] == {"elasticsearch": es.url, "prefix": "sizing"}
    assert [(s["first"], s["last"]) for s in log["sessions"]] == [(0, 1), (2, 2)]
    result, disk = log["result"], log["disk"]
    assert result["docs"] == 3 and result["passages"] == len(passages)
    assert result["band_rows"] == sum(p["band_count"] for p in passages.values()) > 0
    assert result["characters"] == sum(s["characters"] for s in log["sessions"]) > 0
    expected = sum(len(json.dumps(d)) for d in theses.values())
    assert disk["by_index"]["sizing-theses-v1"] == {"docs": 3, "primary_bytes": expected, "total_bytes": expected}
    assert disk["bytes_per_1000_chars"] == round(disk["primary_store_bytes"] / result["characters"] * 1000, 1)
    assert disk["nodes"] == {"stand-in-node": {"heap_used_mb": 512.0, "heap_max_mb": 2048.0, "non_heap_used_mb": 128.0}}
    lookups = log["candidates"]
    assert len(lookups) == 4 and all(c["runs"] == 2 and c["p95_ms"] >= c["p50_ms"] > 0 for c in lookups.values())
    assert "node stand-in-node" in printed and "B per 1,000 chars" in printed
