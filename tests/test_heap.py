"""The worker's long-lived data is frozen out of the collector's way, and never leaked."""

import gc
import weakref

from mapsite.zones import heap


class Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the collector can free it


def test_settle_freezes_what_lives_on_and_frees_what_the_last_build_left():
    kept = Node()
    heap.settle()
    assert gc.get_freeze_count() > 0
    gone = weakref.ref(kept)
    del kept  # a cycle frozen by the last build, dropped since
    gc.collect()
    assert gone() is not None  # frozen: an ordinary collection skips it
    heap.settle()
    assert gone() is None  # the next build's settle frees it
    gc.unfreeze()


def test_a_new_snapshot_is_settled(db):
    from mapsite.zones import snapshot

    gc.unfreeze()
    snapshot.forget()
    snapshot.current()
    assert gc.get_freeze_count() > 0
    gc.unfreeze()
