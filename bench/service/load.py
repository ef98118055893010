"""Load test of a running service: public searches and submissions at once.

    kratuve admin institution add LU "Latvijas Universitāte"
    KEY=$(kratuve admin key create --institution LU --role submitter)
    kratuve serve --port 8000 &
    .venv/bin/python bench/service/load.py --url http://127.0.0.1:8000 --key "$KEY" --institution LU --seconds 60

``--searchers`` clients (default 50) search in a loop while ``--submitters`` clients
(default 10) each submit a distinct document, wait for its job to finish, and submit
the next. After ``--seconds`` the load stops and every accepted submission is
followed until it is done or failed (``--drain`` seconds at most); one still queued or
running then, or whose job disappeared, counts as lost. Prints p50/p95 latencies per
operation, error counts and throughput as JSON (``--out`` also writes it to a file);
with ``--watch-pid`` (repeatable) also the peak resident memory of those server processes.
Rate limits apply: raise ``KRATUVE_PUBLIC_RATE_LIMIT_PER_MINUTE`` and
``KRATUVE_RATE_LIMIT_PER_MINUTE`` on the server (or set them to 0) for a load test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import threading
import time
from pathlib import Path

import httpx

WORDS = ("tiesības brīvība cilvēks valsts likums izglītība darbs sabiedrība vienlīdzība aizsardzība "
         "pētījums metode rezultāts analīze universitāte dati modelis sistēma valoda teksts").split()
QUERIES = ["tiesības", "cilvēks", "izglītība", "human rights", "analīze", "valoda", "", "darbs likums"]


def document(seed: int, base: str) -> bytes:
    """A distinct document each time (a thesis with a fresh checksum), partly shared text."""
    rng = random.Random(seed)
    own = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(60)) + "." for _ in range(20))
    return (f"Darbs nr. {seed}\n\n{own}\n\n{base}").encode()


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)


async def searcher(client: httpx.AsyncClient, stop: float, lat: list[float], errors: dict[str, int]) -> None:
    rng = random.Random()
    while time.monotonic() < stop:
        started = time.monotonic()
        try:
            r = await client.get("/api/v1/search", params={"q": rng.choice(QUERIES), "page": rng.randint(1, 3)})
            if r.status_code == 200:
                lat.append(time.monotonic() - started)
            else:
                errors[f"search {r.status_code}"] = errors.get(f"search {r.status_code}", 0) + 1
        except httpx.HTTPError as exc:
            errors[f"search {type(exc).__name__}"] = errors.get(f"search {type(exc).__name__}", 0) + 1


async def submitter(n: int, client: httpx.AsyncClient, args: argparse.Namespace, stop: float, base: str,
                    lat: list[float], accepted: list[str], errors: dict[str, int]) -> None:
    seq = 0
    while time.monotonic() < stop:
        seq += 1
        seed = n * 1_000_000 + seq + int(time.time())
        meta = {"title": f"Slodzes tests {seed}", "institution": args.institution, "year": 2025}
        started = time.monotonic()
        try:
            r = await client.post("/api/v1/theses", headers={"Authorization": f"Bearer {args.key}"},
                                  files={"file": (f"load-{seed}.txt", document(seed, base))},
                                  data={"metadata": json.dumps(meta)})
        except httpx.HTTPError as exc:
            errors[f"submit {type(exc).__name__}"] = errors.get(f"submit {type(exc).__name__}", 0) + 1
            continue
        if r.status_code != 202:
            errors[f"submit {r.status_code}"] = errors.get(f"submit {r.status_code}", 0) + 1
            await asyncio.sleep(1)
            continue
        lat.append(time.monotonic() - started)
        job_id = r.json()["id"]
        accepted.append(job_id)
        while time.monotonic() < stop:  # one submission in flight per client
            await asyncio.sleep(1)
            try:
                state = (await client.get(f"/api/v1/jobs/{job_id}",
                                          headers={"Authorization": f"Bearer {args.key}"})).json().get("state")
            except (httpx.HTTPError, ValueError):
                continue
            if state in ("done", "failed"):
                break


async def drain(client: httpx.AsyncClient, key: str, accepted: list[str], seconds: float) -> dict[str, int]:
    """Follow every accepted job to its end; the states found."""
    deadline = time.monotonic() + seconds
    states: dict[str, str] = {}
    while True:
        for job_id in accepted:
            if states.get(job_id) in ("done", "failed"):
                continue
            try:
                r = await client.get(f"/api/v1/jobs/{job_id}", headers={"Authorization": f"Bearer {key}"})
                states[job_id] = r.json().get("state", "missing") if r.status_code == 200 else "missing"
            except httpx.HTTPError:
                states[job_id] = "unreachable"
        if all(s in ("done", "failed") for s in states.values()) or time.monotonic() > deadline:
            break
        await asyncio.sleep(2)
    counts: dict[str, int] = {}
    for s in states.values():
        counts[s] = counts.get(s, 0) + 1
    return counts


async def main_async(args: argparse.Namespace) -> dict:
    demo = Path(__file__).resolve().parents[2] / "api" / "demo" / "data" / "udhr.lv.txt"
    base = demo.read_text(encoding="utf-8")[:20000] if demo.is_file() else ""
    search_lat: list[float] = []
    submit_lat: list[float] = []
    accepted: list[str] = []
    errors: dict[str, int] = {}
    limits = httpx.Limits(max_connections=args.searchers + args.submitters + 5)
    async with httpx.AsyncClient(base_url=args.url, timeout=60, limits=limits) as client:
        stop = time.monotonic() + args.seconds
        started = time.monotonic()
        await asyncio.gather(
            *(searcher(client, stop, search_lat, errors) for _ in range(args.searchers)),
            *(submitter(n, client, args, stop, base, submit_lat, accepted, errors) for n in range(args.submitters)),
        )
        elapsed = time.monotonic() - started
        states = await drain(client, args.key, accepted, args.drain)
    lost = sum(n for s, n in states.items() if s not in ("done", "failed"))
    return {
        "url": args.url, "seconds": round(elapsed, 1), "searchers": args.searchers, "submitters": args.submitters,
        "search": {"count": len(search_lat), "per_s": round(len(search_lat) / elapsed, 1),
                   "p50_ms": pct(search_lat, 0.5), "p95_ms": pct(search_lat, 0.95),
                   "mean_ms": round(statistics.fmean(search_lat) * 1000, 1) if search_lat else None},
        "submit": {"accepted": len(accepted), "p50_ms": pct(submit_lat, 0.5), "p95_ms": pct(submit_lat, 0.95)},
        "jobs": states, "lost_submissions": lost, "errors": errors,
    }


class RssWatcher(threading.Thread):
    """Peak and last resident memory of some processes (each with its children), every 0.5 s."""

    def __init__(self, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.stop = threading.Event()
        self.peak: dict[int, int] = {}
        self.last: dict[int, int] = {}

    def run(self) -> None:
        if not self.pids:
            return
        import psutil

        while not self.stop.is_set():
            for pid in self.pids:
                try:
                    proc = psutil.Process(pid)
                    rss = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
                except psutil.Error:
                    continue
                self.peak[pid] = max(self.peak.get(pid, 0), rss)
                self.last[pid] = rss
            self.stop.wait(0.5)

    def summary(self) -> dict[str, dict[str, float]]:
        return {str(pid): {"peak": round(self.peak.get(pid, 0) / 2**20, 1),
                           "end": round(self.last.get(pid, 0) / 2**20, 1)} for pid in self.pids}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", default="http://127.0.0.1:8000")
    p.add_argument("--key", required=True, help="a submitter API key")
    p.add_argument("--institution", required=True, help="the key's institution code")
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--searchers", type=int, default=50)
    p.add_argument("--submitters", type=int, default=10)
    p.add_argument("--drain", type=float, default=600, help="seconds to wait for accepted jobs after the load")
    p.add_argument("--out", type=Path, help="also write the JSON result here")
    p.add_argument("--watch-pid", type=int, action="append", default=[], metavar="PID",
                   help="sample this server process's resident memory (with its children) during the run; "
                        "repeat for the API and the worker")
    args = p.parse_args()
    watcher = RssWatcher(args.watch_pid)
    watcher.start()
    try:
        result = asyncio.run(main_async(args))
    finally:
        watcher.stop.set()
        watcher.join()
    if args.watch_pid:
        result["server_rss_mb"] = watcher.summary()
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 1 if result["lost_submissions"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
