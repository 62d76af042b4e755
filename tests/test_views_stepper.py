"""The stepper's walk: memory linear in the circuit, a walk where backward cannot run, and a large
circuit drawn around the active gate."""

from __future__ import annotations

import gc
import json
import tracemalloc

import ipywidgets as widgets

import gatekit as gk
from gatekit.picture.layout import HIGHLIGHT_COLOUR
from gatekit.picture.svg import REPR_MAX_GATES
from gatekit.widgets.stepper import plan_steps


def svg_of(picture) -> str:
    return bytes(picture.image.value).decode()


def sum_of_products(gates: int) -> gk.Circuit:
    """Σ w_i · x_i: `gates` gates (one product and one sum per term)."""
    terms = [gk.Unit(0.1 * (i % 7) - 0.3, name=f"w{i}") * gk.Unit(0.5, name=f"x{i}")
             for i in range(gates // 2)]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return gk.Circuit(total)


def held_by_plan(circuit: gk.Circuit) -> tuple[int, object]:
    """Bytes the plan of a walk holds once made, and the plan."""
    gc.collect()
    tracemalloc.start()
    try:
        plan = plan_steps(circuit)
        return tracemalloc.get_traced_memory()[0], plan
    finally:
        tracemalloc.stop()


def test_the_plan_of_a_walk_grows_linearly_with_the_circuit():
    small, small_plan = held_by_plan(sum_of_products(1500))
    large, large_plan = held_by_plan(sum_of_products(3000))
    assert len(large_plan) > 1.9 * len(small_plan)
    assert large < 2.4 * small  # the issue measured 87 MiB, then 346 MiB: four times
    assert large < 8 * 2**20  # bytes; about 2 MiB here


def test_a_step_is_built_when_asked_with_the_values_and_grads_of_that_moment():
    circuit = sum_of_products(6)
    plan = plan_steps(circuit)
    gates = len(circuit.gates)
    assert len(plan) == 1 + gates + len(circuit.backward_steps())
    first_forward = plan[1]
    assert first_forward.phase == "forward" and first_forward.gate is circuit.gates[0]
    assert sum(v is not None for v in first_forward.values) == len(circuit.inputs) + 1
    last = plan[-1]
    assert last.phase == "backward" and last.values == tuple(u.value for u in circuit.units)
    assert last.grads[: len(circuit.inputs)] == tuple(circuit.grads().values())
    assert plan[gates + 1].grads.count(None) == len(circuit.units) - 1  # only the force so far
    assert [step.phase for step in plan[-2:]] == ["backward", "backward"]


def test_a_walk_where_backward_cannot_run_ends_with_the_reason(monkeypatch):
    circuit = gk.parse("x * y", x=2.0, y=3.0)

    def refuse(force=1.0):
        raise ValueError("the gate q1 has no slope here")

    monkeypatch.setattr(circuit, "backward_steps", refuse)
    stepper = gk.widgets.BackpropStepper(circuit)
    while not stepper.next_button.disabled:
        stepper.next()
    assert stepper.step.phase == "stopped"
    assert "the gate q1 has no slope here" in stepper.sentence.value
    assert stepper.step.values[-1] == 6.0 and stepper.message.text == ""


def test_the_stepper_names_the_local_factor_by_its_gate_and_each_use_of_a_shared_wire():
    """Issue 21: never `df/dq = df/df * df/dq` (A = 1·A); a wire used twice, use by use."""
    circuit = gk.parse("(x + y) * z + x", x=-2.0, y=5.0, z=-4.0)
    stepper = gk.widgets.BackpropStepper(circuit)
    texts = [step.sentence for step in stepper.steps if step.phase == "backward"]
    assert "Backward through q1 * z: df/dq1 = df/dq2 · ∂(q1 * z)/∂q1 = 1 · z = 1 · -4 = -4" in texts
    uses = [text for text in texts if "uses of x" in text]
    assert uses == [
        "Backward through q2 + x: from the 1st of 2 uses of x: df/df · ∂(q2 + x)/∂x = 1 · 1 = 1;"
        " running total 1",
        "Backward through x + y: from the 2nd of 2 uses of x: df/dq1 · ∂(x + y)/∂x = -4 · 1 = -4;"
        " df/dx = 1 + (-4) = -3",
    ]
    assert circuit.grads()["x"] == -3.0


def test_a_wire_used_many_times_is_summed_in_words_and_ordinals_read_right():
    from gatekit.narration import ordinal

    circuit = gk.parse("x + x + x + x + x + x + x", x=2.0)
    assert circuit.explain()[-1].endswith("df/dx = the sum of its 7 uses = 7")
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]


# ----- a large circuit: drawn around the active gate (issue 20 item 16) -------------------------
HIGHLIGHT = 'fill="' + HIGHLIGHT_COLOUR + '"'
NEXT_BYTES_LIMIT = 200_000  # what one Next may send to the browser at 10,000 gates
VIEW_BYTES_LIMIT = 16 * 2**20  # what the view may hold at 10,000 gates (the walk's plan ~8 MiB)


def sent_bytes(monkeypatch) -> list[int]:
    """The size of every message the widgets send from now on (state and buffers)."""
    sizes: list[int] = []

    def send(widget, msg, buffers=None):
        sizes.append(len(json.dumps(msg, default=str)) + sum(len(b) for b in buffers or ()))

    monkeypatch.setattr(widgets.Widget, "_send", send)
    return sizes


def test_a_10000_gate_stepper_sends_and_keeps_little_at_each_next(monkeypatch):
    circuit = sum_of_products(10_002)  # 10,001 gates
    gc.collect()
    tracemalloc.start()
    try:
        stepper = gk.widgets.BackpropStepper(circuit)
        sizes = sent_bytes(monkeypatch)
        for _ in range(3):
            sizes.clear()
            stepper.next()
            assert 0 < sum(sizes) < NEXT_BYTES_LIMIT
        stepper.position = len(stepper.steps) - 30  # deep in the backward pass
        for _ in range(3):
            sizes.clear()
            stepper.next()
            assert 0 < sum(sizes) < NEXT_BYTES_LIMIT
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert held < VIEW_BYTES_LIMIT


def test_a_large_stepper_draws_the_active_gate_lit_among_its_neighbours():
    circuit = sum_of_products(1_000)
    stepper = gk.widgets.BackpropStepper(circuit)
    for _ in range(600):
        stepper.next()
    gate = stepper.step.gate
    assert stepper.step.phase == "forward" and gate is circuit.gates[599]
    svg = svg_of(stepper.drawing)
    assert svg.count(HIGHLIGHT) == 2  # the gate and the wire it writes
    assert f">{gate.symbol}</text>" in svg
    assert "around gate 600 of 999" in stepper.drawing.alt
    assert "the 40 gates around gate 600" in svg
    assert svg.count("<circle") == 40
    assert "⋯" in svg  # wires made by gates not shown
    assert stepper.step.sentence in stepper.drawing.alt


def test_a_large_stepper_starts_its_backward_pass_at_the_output():
    circuit = sum_of_products(1_000)
    stepper = gk.widgets.BackpropStepper(circuit)
    stepper.position = len(circuit.gates)
    stepper.next()
    assert stepper.step.phase == "backward" and stepper.step.gate is None
    svg = svg_of(stepper.drawing)
    assert "around gate 999 of 999" in stepper.drawing.alt
    assert svg.count(HIGHLIGHT) == 1  # the output's wire, its grad the force
    assert "∇ 1<" in svg


def test_a_circuit_the_repr_draws_whole_is_stepped_whole():
    circuit = sum_of_products(REPR_MAX_GATES)
    stepper = gk.widgets.BackpropStepper(circuit)
    stepper.next()
    assert svg_of(stepper.drawing).count("<circle") == len(circuit.gates)
