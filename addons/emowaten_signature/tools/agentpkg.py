"""The workstation signing agent as a wheel, built by the server when it is downloaded.

The package's source is ``agent/`` (``pyproject.toml`` and the ``emowaten_sign_agent``
package). Its wheel is built here with the standard library, following the wheel
format (PEP 427: the package's files plus ``*.dist-info/{METADATA, WHEEL,
entry_points.txt, RECORD}`` in a zip): no binary is committed, nothing is needed at
build time that an offline server lacks (the venv's setuptools cannot build wheels
without the ``wheel`` package), and the same source always gives the same bytes.
"""

import base64
import functools
import hashlib
import io
import os
import re
import zipfile

AGENT_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "agent")
PACKAGE = "emowaten_sign_agent"
PROJECT = "emowaten-sign-agent"
COMMAND = "emowaten-sign-agent"
ENTRY_POINT = "emowaten_sign_agent.cli:main"
# what pip installs with it; python-pkcs11 publishes wheels for Windows, macOS and
# Linux, so the agent installs on an office PC without a compiler
REQUIRES = ("python-pkcs11>=0.7",)
REQUIRES_PYTHON = ">=3.8"
SUMMARY = (
    "e-Mowaten workstation signing agent: signs e-Mowaten answers with the "
    "signatory's USB token (PKCS#11)"
)
# the oldest agent the server works with: an older one (or one that sends no
# version, as the script before the package) is refused with the download link
MIN_VERSION = "1.0.0"
DOWNLOAD_ROUTE = "/emowaten/signature/agent-download"
GUIDE_ROUTE = "/emowaten/signature/agent-guide"
# the date stamped on every file of the wheel (zip's earliest): reproducible bytes
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_VERSION_RE = re.compile(r'^__version__ = "([^"]+)"$', re.M)


def _package_dir():
    return os.path.join(AGENT_DIR, PACKAGE)


@functools.cache
def version():
    """The agent's version, as written in its package."""
    with open(os.path.join(_package_dir(), "__init__.py"), encoding="utf-8") as fh:
        return _VERSION_RE.search(fh.read()).group(1)


def version_key(text):
    """``"1.2.10"`` -> ``(1, 2, 10)``; anything unreadable sorts first."""
    parts = re.findall(r"\d+", text or "")[:3]
    return tuple(int(p) for p in parts) + (0,) * (3 - len(parts)) if parts else ()


def is_outdated(agent_version):
    return version_key(agent_version) < version_key(MIN_VERSION)


def wheel_name(ver=None):
    return f"{PACKAGE}-{ver or version()}-py3-none-any.whl"


def _record_hash(data):
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _metadata(ver):
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {PROJECT}",
        f"Version: {ver}",
        f"Summary: {SUMMARY}",
        "Author: e-Mowaten",
        "License: LGPL-3.0-only",
        f"Requires-Python: {REQUIRES_PYTHON}",
    ]
    lines += [f"Requires-Dist: {req}" for req in REQUIRES]
    return "\n".join(lines) + "\n\n" + SUMMARY + "\n"


def package_files(ver=None):
    """``{path in the wheel: bytes}`` of the package's sources. With ``ver``, the
    version written in ``__init__.py`` is replaced (a wheel of another version)."""
    files = {}
    for name in sorted(os.listdir(_package_dir())):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(_package_dir(), name), "rb") as fh:
            data = fh.read()
        if ver and name == "__init__.py":
            data = _VERSION_RE.sub(f'__version__ = "{ver}"', data.decode()).encode()
        files[f"{PACKAGE}/{name}"] = data
    return files


def build_wheel(ver=None):
    """The agent's wheel (bytes), of its own version or of ``ver``."""
    ver = ver or version()
    dist_info = f"{PACKAGE}-{ver}.dist-info"
    files = package_files(ver)
    files[f"{dist_info}/METADATA"] = _metadata(ver).encode()
    files[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: emowaten_signature\n"
        b"Root-Is-Purelib: true\nTag: py3-none-any\n"
    )
    files[f"{dist_info}/entry_points.txt"] = (
        f"[console_scripts]\n{COMMAND} = {ENTRY_POINT}\n"
    ).encode()
    files[f"{dist_info}/top_level.txt"] = f"{PACKAGE}\n".encode()
    record = [
        f"{path},{_record_hash(data)},{len(data)}" for path, data in files.items()
    ]
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            info = zipfile.ZipInfo(path, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buf.getvalue()


def command(server, code, module, token_label, key_label, lang=None, raw=False):
    """The command the signatory runs, with the server and the pairing code filled
    in. Double quotes: they quote in the Windows command prompt, PowerShell and a
    Linux shell alike."""

    def quote(value):
        return '"{}"'.format(str(value or "").replace('"', ""))

    parts = [
        COMMAND,
        "--server",
        quote(server),
        "--code",
        quote(code),
        "--module",
        quote(module),
        "--token-label",
        quote(token_label),
        "--key-label",
        quote(key_label),
    ]
    if lang:
        parts += ["--lang", lang]
    if raw:
        parts.append("--raw")
    return " ".join(parts)
