"""ZIP containers (DOCX, ODT): decompression-bomb checks before anything is unpacked."""

from __future__ import annotations

import io
import zipfile

from ingest.errors import CorruptFile, FileTooLarge
from ingest.extract.result import ExtractLimits

MIN_RATIO_CHECK = 1024 * 1024  # entries smaller than this unpacked are not ratio-checked


def open_checked(data: bytes, limits: ExtractLimits, what: str) -> zipfile.ZipFile:
    """Open the archive after checking its entry count, unpacked size and compression ratios."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise CorruptFile(f"the {what} is damaged or truncated (not a readable ZIP archive)") from None
    infos = zf.infolist()
    if len(infos) > limits.max_archive_entries:
        zf.close()
        raise FileTooLarge(
            f"the {what} holds {len(infos)} parts; at most {limits.max_archive_entries} are accepted"
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MIN_RATIO_CHECK and info.file_size > limits.max_compression_ratio * max(
            info.compress_size, 1
        ):
            zf.close()
            raise FileTooLarge(
                f"the {what} looks like a decompression bomb ({info.filename!r} unpacks "
                f"{info.file_size // max(info.compress_size, 1)} times larger than stored)"
            )
    if total > limits.max_unpacked_bytes:
        zf.close()
        raise FileTooLarge(
            f"the {what} unpacks to {total / 1e6:.0f} MB; at most {limits.max_unpacked_bytes / 1e6:.0f} MB are accepted"
        )
    return zf


def read_member(zf: zipfile.ZipFile, name: str, limits: ExtractLimits, what: str) -> bytes:
    """One member's bytes, reading no more than the unpacked-size limit whatever its header says."""
    try:
        with zf.open(name) as fh:
            data = fh.read(limits.max_unpacked_bytes + 1)
    except KeyError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise CorruptFile(f"the {what} is damaged ({name} cannot be unpacked: {type(exc).__name__})") from None
    if len(data) > limits.max_unpacked_bytes:
        raise FileTooLarge(f"the {what} part {name} is larger than the size limit")
    return data
