"""Keeping Python's cyclic garbage collector out of the way while gates are being made.

Gates and Units form no reference cycles, so the cyclic collector never finds garbage among
them; yet with Python's usual settings it starts a collection every 700 new objects, and as
the heap grows it walks every object again and again: building a 65,000-gate circuit paid
more for those walks than for the gates. So while gates are being made, gatekit raises the
threshold of the collector's youngest generation to `BUILD_THRESHOLD` (it still collects, in
larger batches). The learner's own thresholds come back when a circuit is made from the gates
(unless so many new objects are still alive that they would start a collection at once),
else at a full collection such as `gc.collect()`, or at the first collection that finds no
gate made since the one before. The collector is never disabled, and thresholds the learner
set meanwhile (or 0: automatic collection off) are left alone.
"""

from __future__ import annotations

import gc

__all__ = ["BUILD_THRESHOLD", "building", "start", "finish"]

# New container objects between collections while gates are made: about four per gate, so a
# 70,000-gate circuit is built without one.
BUILD_THRESHOLD = 300_000

building = False  # a gate was made since the last collection or circuit (read by every gate)
_saved: tuple[int, ...] | None = None  # the learner's thresholds while ours are in place


def start() -> None:
    """A gate is being made: note it, and raise the threshold if it is the learner's usual."""
    global building, _saved
    building = True
    if _on_collection not in gc.callbacks:  # installed on the first gate, then kept
        gc.callbacks.append(_on_collection)
    if _saved is None:
        thresholds = gc.get_threshold()
        if 0 < thresholds[0] < BUILD_THRESHOLD:
            _saved = thresholds
            gc.set_threshold(BUILD_THRESHOLD, *thresholds[1:])


def finish() -> None:
    """A circuit has been made: put the learner's thresholds back now if that starts no
    collection at once (a big build's objects, still young, keep the raised one until then)."""
    global building
    if _saved is not None and gc.get_count()[0] < _saved[0]:
        _restore()
        building = False


def _on_collection(phase: str, info: dict[str, int]) -> None:
    """At each collection: keep the raised threshold while gates are still being made; a
    full collection (gc.collect(), say) ends the build, as does one with no gate since the
    last."""
    global building
    if phase != "start":
        return
    if _saved is not None and (not building or info["generation"] == 2):
        _restore()
    building = False


def _restore() -> None:
    """Put the learner's thresholds back (unless they changed them meanwhile)."""
    global _saved
    if _saved is not None and gc.get_threshold()[0] == BUILD_THRESHOLD:
        gc.set_threshold(*_saved)
    _saved = None
