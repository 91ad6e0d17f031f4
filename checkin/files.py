"""Writing a file so that it appears whole or not at all."""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def written_beside(path: Path, *, prefix: str | None = None, suffix: str = ".part") -> Iterator[str]:
    """A temporary file name in `path`'s folder to write to. When the block ends normally the file is
    renamed over `path`; when it raises (or the rename fails) the temporary file is removed, so a reader
    never sees half a PDF, register, bundle or settings file."""
    handle, temporary = tempfile.mkstemp(prefix=prefix or f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(handle)
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
