"""Keeping a worker's long-lived data (the snapshot, the point index) out of the collector's
way, so a verdict never waits on a full collection walking it (tens of ms in the tail).

After building such data, `settle()` unfreezes what the last call froze, collects (so the
cycles the previous build left behind are freed, not leaked), and freezes what survives:
Python's collector then skips it until the next build.
"""

import gc
import threading

_lock = threading.Lock()


def settle() -> None:
    with _lock:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
