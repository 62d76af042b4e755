"""Building is as cheap as running: no reference cycles, a few hundred bytes per gate, and the
cyclic garbage collector kept out of the way while gates are made, never disabled."""

import gc
import tracemalloc
import weakref

import pytest

import gatekit as gk
from gatekit import collector


@pytest.fixture
def thresholds():
    """The test process's collector settings, put back afterwards whatever a test does."""
    saved = gc.get_threshold()
    gc.collect()  # a full collection ends any build: the thresholds are the usual ones
    yield gc.get_threshold()
    gc.collect()
    gc.set_threshold(*saved)


def mlp_loss(points: int = 12) -> gk.Unit:
    """A small version of the engine benchmark's loss: a 2-8-8-1 net of relus on a few points."""
    sizes = [2, 8, 8, 1]
    layers = [[[gk.Unit(0.1 * (i - j), name=f"w{n}[{i},{j}]") for j in range(fan_in)]
               for i in range(width)]
              for n, (fan_in, width) in enumerate(zip(sizes, sizes[1:], strict=False))]
    total = 0.0
    for p in range(points):
        activations = [0.1 * p, 1.0 - 0.1 * p]
        for layer in layers:
            activations = [gk.relu(sum(w * a for w, a in zip(row, activations, strict=True)))
                           for row in layer]
        total = total + gk.relu(1 - activations[0])
    return total * (1.0 / points)


def test_a_circuit_nobody_holds_is_freed_at_once_without_the_collector():
    gc.disable()
    try:
        loss = mlp_loss()
        circuit = gk.Circuit(loss)
        circuit.backward()
        watched = [weakref.ref(unit) for unit in circuit.units if unit.gate is not None]
        del loss, circuit
        assert all(ref() is None for ref in watched)
    finally:
        gc.enable()


def test_a_built_circuit_takes_at_most_400_bytes_per_gate_even_with_every_wire_named():
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        circuit = gk.Circuit(mlp_loss(points=20))
        circuit.backward()
        per_gate = (tracemalloc.get_traced_memory()[0] - before) / len(circuit)
        assert circuit.names[-1] == "f"  # drawings and explanations build the names table
        named = (tracemalloc.get_traced_memory()[0] - before) / len(circuit)
    finally:
        tracemalloc.stop()
    assert len(circuit) > 3_000 and per_gate <= 400 and named <= 400, (per_gate, named)


def test_making_gates_raises_the_threshold_and_a_quiet_collection_puts_it_back(thresholds):
    usual = thresholds
    gk.Unit(1.0) * 2.0
    assert gc.get_threshold() == (collector.BUILD_THRESHOLD, *usual[1:])
    assert gc.isenabled()
    gc.collect(0)  # a young collection while gates are being made: the build may go on
    assert gc.get_threshold()[0] == collector.BUILD_THRESHOLD
    gc.collect(0)  # none made since: the learner's own code runs with the usual settings
    assert gc.get_threshold() == usual


def test_a_full_collection_ends_the_build(thresholds):
    gk.Unit(1.0) * 2.0
    gc.collect()
    assert gc.get_threshold() == thresholds
    gk.Unit(1.0) * 2.0  # the next gate starts another
    assert gc.get_threshold()[0] == collector.BUILD_THRESHOLD


def test_a_circuit_made_from_a_few_gates_puts_the_thresholds_back_at_once(thresholds):
    x = gk.Unit(1.0, name="x")
    out = x * 2.0 + x
    assert gc.get_threshold()[0] == collector.BUILD_THRESHOLD
    gk.Circuit(out)
    assert gc.get_threshold() == thresholds
    out * 3.0  # gates after the circuit: a new build
    assert gc.get_threshold()[0] == collector.BUILD_THRESHOLD


def test_a_big_build_keeps_the_raised_threshold_until_the_next_collection(thresholds):
    circuit = gk.Circuit(mlp_loss(points=20))  # thousands of new objects, all still alive
    assert gc.get_threshold()[0] == collector.BUILD_THRESHOLD
    circuit.backward()
    gc.collect()
    assert gc.get_threshold() == thresholds


def test_thresholds_the_learner_sets_are_left_alone(thresholds):
    gk.Unit(1.0) * 2.0
    gc.set_threshold(5_000, 20, 20)
    gc.collect()
    assert gc.get_threshold() == (5_000, 20, 20)
    gc.set_threshold(0)  # automatic collection off: gatekit does not turn it on
    gk.Unit(1.0) * 2.0
    assert gc.get_threshold()[0] == 0


def test_a_disabled_collector_stays_disabled():
    gc.disable()
    try:
        gk.Unit(1.0) * 2.0
        gk.Circuit(mlp_loss(points=2)).backward()
        assert not gc.isenabled()
    finally:
        gc.enable()
