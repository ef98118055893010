"""Text that XML 1.0 can carry: metadata may hold control characters that would make
the whole response unparseable for a harvester, so they are dropped."""

from __future__ import annotations

import re

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("", text)
