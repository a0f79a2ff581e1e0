"""Legacy Word .doc through LibreOffice headless, when it is installed.

LibreOffice gets a profile directory of its own (so a user's running instance or a parallel
worker does not block it) and a timeout (so a hostile file cannot hang a batch).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from jixiao.ingest.errors import IngestError

TIMEOUT_SECONDS = 120


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_doc_to_docx(data: bytes, path: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    soffice = find_soffice()
    if soffice is None:
        suffix = Path(path).suffix.lower()
        kind = ("an RTF document" if data.startswith(b"{\\rtf")
                else "a .wps (WPS Office) document" if suffix == ".wps" else "legacy .doc")
        raise IngestError(path, f"{kind} needs LibreOffice: install it (apt-get install libreoffice-writer) or save as .docx")
    with tempfile.TemporaryDirectory(prefix="jixiao-doc-") as tmp:
        work = Path(tmp)
        source = work / "input.doc"
        source.write_bytes(data)
        command = [
            soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
            "--convert-to", "docx", "--outdir", str(work / "out"), str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise IngestError(path, f"LibreOffice did not convert the .doc within {timeout:.0f} s") from exc
        converted = work / "out" / "input.docx"
        if not converted.exists():
            raise IngestError(path, "LibreOffice could not convert the .doc (damaged or encrypted?)")
        return converted.read_bytes()
