"""Compile an install's bibx to bytecode before timing it, as ``pip install`` does for a regular install.

An editable install run under ``PYTHONDONTWRITEBYTECODE=1`` (this machine's default) compiles some
sixty modules from source in every process: ~80 ms that no user's install pays, and in every run.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

_PACKAGE_FOLDERS = "import bibx, bibx_plugins; print(bibx.__path__[0]); print(bibx_plugins.__path__[0])"


def compile_bytecode(python: str | Path) -> None:
    """Compile the bibx and bibx_plugins packages that the interpreter ``python`` imports."""
    folders = subprocess.run([str(python), "-c", _PACKAGE_FOLDERS], capture_output=True, text=True, check=True).stdout.split()
    subprocess.run([str(python), "-m", "compileall", "-q", *folders], stdout=subprocess.DEVNULL, check=True)
