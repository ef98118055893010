"""Reading a PAN text-alignment corpus: the ``pairs`` file and the texts.

A corpus has ``src/*.txt``, ``susp/*.txt`` and a ``pairs`` file whose lines are
``suspicious-documentXXXXX.txt source-documentYYYYY.txt``. Offsets in truth and
detection files count ``str`` characters of the text read as UTF-8 with
``newline=''``, so ``read_text`` never translates newlines.
"""

from __future__ import annotations

from os import PathLike


def read_text(path: str | PathLike[str]) -> str:
    """The file's text, UTF-8, with ``\\r\\n`` and ``\\r`` kept as they are."""
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def read_pairs(path: str | PathLike[str]) -> list[tuple[str, str]]:
    """``(suspicious, source)`` file names, in file order; blank lines are skipped."""
    pairs: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 2:
                raise ValueError(
                    f"{path}:{lineno}: expected 'suspicious.txt source.txt', got {line.strip()!r}"
                )
            pairs.append((fields[0], fields[1]))
    return pairs
