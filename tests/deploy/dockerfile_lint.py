"""A small Dockerfile reader for the deploy tests: no Docker engine runs here.

It joins continued lines, drops comments, splits the file into build stages
and resolves ``${ARG}`` defaults in ``FROM`` lines: enough to check what the
final image contains and how it runs.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(slots=True)
class Instruction:
    keyword: str  # upper case: RUN, COPY, USER, ...
    args: str  # the rest of the line, continuations joined
    line: int

    def json_args(self) -> list[str] | None:
        """The exec form (``["a", "b"]``) as a list, or None for the shell form."""
        text = self.args
        for flag in re.findall(r"^(?:--\S+\s+)+", text):
            text = text[len(flag):]
        if text.startswith("["):
            return json.loads(text)
        return None


@dataclass(slots=True)
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction | None:
        found = self.all(keyword)
        return found[-1] if found else None


def instructions(text: str) -> list[Instruction]:
    out: list[Instruction] = []
    buffer: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not buffer and (not stripped or stripped.startswith("#")):
            continue
        if buffer and stripped.startswith("#"):
            continue  # comment lines inside a continued instruction are dropped by Docker too
        if not buffer:
            start = number
        if stripped.endswith("\\"):
            buffer.append(stripped[:-1].strip())
            continue
        buffer.append(stripped)
        joined = " ".join(part for part in buffer if part)
        keyword, _, args = joined.partition(" ")
        out.append(Instruction(keyword.upper(), args.strip(), start))
        buffer = []
    if buffer:
        raise ValueError(f"line {start}: the last instruction ends with a line continuation")
    return out


def stages(text: str) -> tuple[dict[str, str], list[Stage]]:
    """(global ARG defaults, stages in order)."""
    global_args: dict[str, str] = {}
    result: list[Stage] = []
    for ins in instructions(text):
        if ins.keyword == "FROM":
            words = ins.args.split()
            words = [w for w in words if not w.startswith("--platform")]
            base = re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: global_args.get(m[1] or m[2], m[0]), words[0])
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            result.append(Stage(base, name))
        elif not result:
            if ins.keyword != "ARG":
                raise ValueError(f"line {ins.line}: only ARG may come before the first FROM")
            key, _, value = ins.args.partition("=")
            global_args[key.strip()] = value.strip().strip('"')
        else:
            result[-1].instructions.append(ins)
    return global_args, result


def apt_packages(stage: Stage) -> set[str]:
    """Packages named by ``apt-get install`` in a stage's RUN lines."""
    names: set[str] = set()
    for run in stage.all("RUN"):
        for words in commands(run.args):
            if "apt-get" in words and "install" in words:
                after = words[words.index("install") + 1:]
                names |= {w for w in after if not w.startswith("-")}
    return names


def commands(shell: str) -> list[list[str]]:
    """The simple commands of a shell line (split at ``&&``, ``;``, ``|``), quotes respected."""
    lexer = shlex.shlex(shell, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    out: list[list[str]] = [[]]
    for token in lexer:
        if token in ("&&", ";", "||", "|", "&"):
            out.append([])
        else:
            out[-1].append(token)
    return [c for c in out if c]


def read(path: Path) -> tuple[dict[str, str], list[Stage]]:
    return stages(path.read_text(encoding="utf-8"))
