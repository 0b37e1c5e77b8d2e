"""Executes a notebook top to bottom with nbclient (Debian's python3-nbclient), as ctest's
python.notebook does: any cell that raises fails the test, so the example never goes stale.

usage: run_notebook.py NOTEBOOK.ipynb OUTPUT.ipynb"""
import os
import sys
import time

import nbformat
from nbclient import NotebookClient


def main() -> int:
    source, output = sys.argv[1], sys.argv[2]
    # ipykernel's debugger warns about frozen modules on every start; nothing here debugs.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    nb = nbformat.read(source, as_version=4)
    start = time.monotonic()
    # The notebook's relative paths are the repository's: run it from there.
    client = NotebookClient(nb, timeout=240, kernel_name="python3",
                            resources={"metadata": {"path": os.path.dirname(os.path.dirname(
                                os.path.dirname(os.path.abspath(source))))}})
    client.execute()
    os.makedirs(os.path.dirname(output), exist_ok=True)
    nbformat.write(nb, output)
    print(f"{source}: {len(nb.cells)} cells executed in {time.monotonic() - start:.1f} s; "
          f"output in {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
