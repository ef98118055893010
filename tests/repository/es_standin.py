"""A recording stand-in for the handful of Elasticsearch endpoints the backend's
write path and ``reindex`` use, served over real HTTP on loopback.

It is NOT Elasticsearch: it keeps documents in dicts, answers in Elasticsearch's
JSON shapes (with the ``X-Elastic-Product`` header the official client checks),
records every request (method, path, query string, parsed body) and can be told
to answer bulk requests with failures. Search is not implemented: tests that
need real search run against a real server (``test_elastic.py``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any  # dict, list of dicts (NDJSON) or None


@dataclass
class Index:
    mappings: dict[str, Any]
    settings: dict[str, Any]
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    seq: dict[str, int] = field(default_factory=dict)  # _seq_no per document (bumped on overwrite)


# A bulk fault: given (action, source) returns the status to answer for that item
# (None: apply normally), or the string "request-429" to refuse the whole request.
BulkFault = Callable[[dict[str, Any], dict[str, Any] | None], Any]


class StandIn:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.indices: dict[str, Index] = {}
        self.aliases: dict[str, str] = {}
        self.bulk_faults: list[BulkFault] = []  # one per bulk request, popped in order
        self.persistent_fault: BulkFault | None = None
        # canned answers to _search / _msearch, popped in order (the stand-in cannot search)
        self.search_answers: list[dict[str, Any]] = []
        self.msearch_answers: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> StandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- what tests look at ---------------------------------------------------------

    def calls(self, method: str | None = None, path_part: str = "") -> list[Recorded]:
        return [r for r in self.requests if (method is None or r.method == method) and path_part in r.path]

    def docs(self, alias_or_index: str) -> dict[str, dict[str, Any]]:
        return self.indices[self.resolve(alias_or_index)].docs

    def resolve(self, name: str) -> str:
        return self.aliases.get(name, name)

    # -- request handling ---------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, str], raw: bytes) -> tuple[int, Any]:
        body: Any = None
        if raw:
            text = raw.decode("utf-8")
            if path.endswith(("/_bulk", "/_msearch")):
                body = [json.loads(line) for line in text.splitlines() if line.strip()]
            else:
                body = json.loads(text)
        with self._lock:
            self.requests.append(Recorded(method, unquote(path), query, body))
            return self._route(method, [unquote(p) for p in path.strip("/").split("/") if p], query, body)

    def _route(self, method: str, parts: list[str], query: dict[str, str], body: Any) -> tuple[int, Any]:
        if parts[:1] == ["_alias"] and len(parts) == 2:
            name = parts[1]
            if name not in self.aliases:
                return 404, _error(404, "aliases_not_found_exception", f"alias [{name}] missing")
            return 200, {self.aliases[name]: {"aliases": {name: {}}}}
        if parts == ["_bulk"]:
            return self._bulk(body)
        if parts == ["_reindex"]:
            source, dest = self.indices[self.resolve(body["source"]["index"])], self.indices[body["dest"]["index"]]
            dest.docs.update({k: dict(v) for k, v in source.docs.items()})
            return 200, {"took": 1, "timed_out": False, "total": len(source.docs), "created": len(source.docs),
                         "updated": 0, "deleted": 0, "batches": 1, "failures": []}
        if parts == ["_msearch"]:
            return 200, self.msearch_answers.pop(0)
        if parts == ["_aliases"]:
            for action in body["actions"]:
                (op, spec), = action.items()
                if op == "remove":
                    self.aliases.pop(spec["alias"], None)
                elif op == "add":
                    self.aliases[spec["alias"]] = spec["index"]
            return 200, {"acknowledged": True}
        if len(parts) == 1 and method == "PUT":
            name = parts[0]
            if name in self.indices:
                return 400, _error(400, "resource_already_exists_exception", f"index [{name}] already exists")
            self.indices[name] = Index(mappings=body.get("mappings", {}), settings=body.get("settings", {}))
            for alias in (body.get("aliases") or {}):
                self.aliases[alias] = name
            return 200, {"acknowledged": True, "shards_acknowledged": True, "index": name}
        if len(parts) == 1 and method == "DELETE":
            for name in parts[0].split(","):
                self.indices.pop(name, None)
            return 200, {"acknowledged": True}
        if parts[:2] == ["_nodes", "stats"]:  # fixed, made-up figures: one node
            mem = {"heap_used_in_bytes": 512 * 2**20, "heap_max_in_bytes": 2048 * 2**20, "non_heap_used_in_bytes": 128 * 2**20}
            return 200, {"_nodes": {"total": 1, "successful": 1, "failed": 0}, "cluster_name": "stand-in",
                         "nodes": {"n1": {"name": "stand-in-node", "jvm": {"mem": mem}}}}
        if parts[0].endswith("*") and len(parts) >= 2 and parts[1] in ("_refresh", "_stats"):
            chosen = sorted(n for n in self.indices if n.startswith(parts[0][:-1]))
            if parts[1] == "_refresh":
                return 200, {"_shards": {"total": len(chosen), "successful": len(chosen), "failed": 0}}
            # store size: the stand-in's JSON bytes (not what Elasticsearch would use)
            stats = {}
            for n in chosen:
                size = sum(len(json.dumps(d)) for d in self.indices[n].docs.values())
                part = {"docs": {"count": len(self.indices[n].docs)}, "store": {"size_in_bytes": size}}
                stats[n] = {"primaries": part, "total": part}
            return 200, {"_shards": {"total": len(chosen), "successful": len(chosen), "failed": 0}, "indices": stats}
        index_name = self.resolve(parts[0])
        if index_name not in self.indices:
            return 404, _error(404, "index_not_found_exception", f"no such index [{parts[0]}]")
        index = self.indices[index_name]
        op = parts[1] if len(parts) > 1 else ""
        if op == "_mapping" and method == "GET":
            return 200, {index_name: {"mappings": index.mappings}}
        if op == "_mapping" and method in ("PUT", "POST"):
            index.mappings.setdefault("properties", {}).update(body.get("properties", {}))
            return 200, {"acknowledged": True}
        if op == "_create":
            doc_id = parts[2]
            if doc_id in index.docs:
                return 409, _error(409, "version_conflict_engine_exception",
                                   f"[{doc_id}]: version conflict, document already exists")
            index.docs[doc_id] = body
            return 201, _doc_result(index_name, doc_id, "created")
        if op == "_doc" and method == "GET":
            doc_id = parts[2]
            if doc_id not in index.docs:
                return 404, {"_index": index_name, "_id": doc_id, "found": False}
            source = index.docs[doc_id]
            wanted = query.get("_source_includes")
            if wanted:
                source = {k: v for k, v in source.items() if k in wanted.split(",")}
            return 200, {"_index": index_name, "_id": doc_id, "_version": 1, "_seq_no": index.seq.get(doc_id, 0),
                         "_primary_term": 1, "found": True, "_source": source}
        if op == "_doc" and method in ("PUT", "POST"):
            doc_id = parts[2]
            if "if_seq_no" in query and int(query["if_seq_no"]) != index.seq.get(doc_id, 0):
                return 409, _error(409, "version_conflict_engine_exception", f"[{doc_id}]: version conflict")
            existed = doc_id in index.docs
            index.docs[doc_id] = body
            index.seq[doc_id] = index.seq.get(doc_id, 0) + 1
            return (200, _doc_result(index_name, doc_id, "updated")) if existed else (
                201, _doc_result(index_name, doc_id, "created"))
        if op == "_doc" and method == "DELETE":
            if index.docs.pop(parts[2], None) is None:
                return 404, {**_doc_result(index_name, parts[2], "not_found")}
            return 200, _doc_result(index_name, parts[2], "deleted")
        if op == "_update":
            if parts[2] not in index.docs:
                return 404, _error(404, "document_missing_exception", f"[{parts[2]}]: document missing")
            index.docs[parts[2]].update(body["doc"])
            return 200, _doc_result(index_name, parts[2], "updated")
        if op == "_search":
            bands = _bands_query(body)
            if bands is not None:  # the one query the stand-in evaluates: LSH band lookup
                wanted, excluded = bands
                hits = [
                    {"_index": index_name, "_id": k, "_score": 0.0, "sort": [n],
                     "_source": {f: v[f] for f in ("thesis_id", "passage_index", "bands")}}
                    for n, (k, v) in enumerate(index.docs.items())
                    if set(v.get("bands", ())) & wanted and v["thesis_id"] not in excluded
                ]
                return 200, search_answer(hits)
            if self.search_answers:
                return 200, self.search_answers.pop(0)
            aggs = _simple_aggregations(index, (body or {}).get("aggs"))
            return 200, search_answer([], aggs, total=len(index.docs) if aggs is not None else None)
        if op == "_mget":
            return 200, {"docs": [
                {"_index": index_name, "_id": i, "found": True, "_source": index.docs[i]} if i in index.docs
                else {"_index": index_name, "_id": i, "found": False}
                for i in body["ids"]
            ]}
        if op == "_count":
            return 200, {"count": len(index.docs), "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0}}
        if op == "_delete_by_query":
            (field_name, value), = body["query"]["term"].items()
            doomed = [k for k, v in index.docs.items() if v.get(field_name) == value]
            for k in doomed:
                del index.docs[k]
            return 200, {"took": 1, "deleted": len(doomed), "failures": []}
        return 400, _error(400, "stand_in_unsupported", f"the stand-in does not answer {method} /{'/'.join(parts)}")

    def _bulk(self, lines: list[dict[str, Any]]) -> tuple[int, Any]:
        fault = self.bulk_faults.pop(0) if self.bulk_faults else self.persistent_fault
        pairs: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
        i = 0
        while i < len(lines):
            (op, meta), = lines[i].items()
            if op == "delete":
                pairs.append(({op: meta}, None))
                i += 1
            else:
                pairs.append(({op: meta}, lines[i + 1]))
                i += 2
        if fault is not None and any(fault(a, s) == "request-429" for a, s in pairs):
            return 429, _error(429, "es_rejected_execution_exception", "rejected execution (queue capacity 200)")
        items = []
        for action, source in pairs:
            (op, meta), = action.items()
            index_name = self.resolve(meta["_index"])
            status = fault(action, source) if fault is not None else None
            if status is not None:
                kind = "es_rejected_execution_exception" if status == 429 else (
                    "mapper_parsing_exception" if status == 400 else "unavailable_shards_exception")
                items.append({op: {"_index": index_name, "_id": meta["_id"], "status": status,
                                   "error": {"type": kind, "reason": f"stand-in refused with {status}"}}})
                continue
            docs = self.indices[index_name].docs
            if op == "delete":
                found = docs.pop(meta["_id"], None)
                items.append({op: {"_index": index_name, "_id": meta["_id"], "status": 200 if found else 404,
                                   "result": "deleted" if found else "not_found"}})
            else:
                docs[meta["_id"]] = source
                items.append({op: {"_index": index_name, "_id": meta["_id"], "status": 201, "result": "created"}})
        errors = any(next(iter(it.values()))["status"] >= 300 for it in items)
        return 200, {"took": 1, "errors": errors, "items": items}


def _bands_query(body: dict[str, Any] | None) -> tuple[set[str], set[str]] | None:
    """``(band keys, excluded thesis ids)`` of a candidates query, else None."""
    try:
        query = body["query"]["bool"]  # type: ignore[index]
        (terms,) = query["filter"]
        wanted = set(terms["terms"]["bands"])
    except (KeyError, TypeError, ValueError):
        return None
    excluded: set[str] = set()
    for clause in query.get("must_not", []):
        excluded |= set(clause["terms"]["thesis_id"])
    return wanted, excluded


def _simple_aggregations(index: Index, aggs: dict[str, Any] | None) -> dict[str, Any] | None:
    """The two aggregation shapes the stand-in computes over all documents: ``sum`` of a
    field and a ``filter`` on ``exists`` (what ``ElasticRepository.stats`` asks)."""
    if not aggs:
        return None
    out: dict[str, Any] = {}
    for name, spec in aggs.items():
        if "sum" in spec:
            out[name] = {"value": float(sum(d.get(spec["sum"]["field"]) or 0 for d in index.docs.values()))}
        elif "filter" in spec and "exists" in spec["filter"]:
            field_name = spec["filter"]["exists"]["field"]
            out[name] = {"doc_count": sum(1 for d in index.docs.values() if d.get(field_name) is not None)}
        else:
            raise ValueError(f"the stand-in cannot compute aggregation {spec}")
    return out


def search_answer(hits: list[dict[str, Any]], aggregations: dict[str, Any] | None = None,
                  total: int | None = None) -> dict[str, Any]:
    """An Elasticsearch-shaped ``_search`` answer."""
    answer: dict[str, Any] = {
        "took": 1, "timed_out": False, "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {"total": {"value": len(hits) if total is None else total, "relation": "eq"},
                 "max_score": None, "hits": hits},
    }
    if aggregations is not None:
        answer["aggregations"] = aggregations
    return answer


def _doc_result(index: str, doc_id: str, result: str) -> dict[str, Any]:
    return {"_index": index, "_id": doc_id, "_version": 1, "result": result,
            "_shards": {"total": 1, "successful": 1, "failed": 0}, "_seq_no": 0, "_primary_term": 1}


def _error(status: int, kind: str, reason: str) -> dict[str, Any]:
    return {"error": {"root_cause": [{"type": kind, "reason": reason}], "type": kind, "reason": reason}, "status": status}


def _handler(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def _serve(self) -> None:
            split = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(split.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            status, payload = standin.handle(self.command, split.path, query, raw)
            data = b"" if self.command == "HEAD" else json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("X-Elastic-Product", "Elasticsearch")
            self.send_header("Content-Type", "application/vnd.elasticsearch+json;compatible-with=8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _serve

    return Handler
