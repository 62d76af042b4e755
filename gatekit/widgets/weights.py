"""Where one entry of dW comes from (chapter 12): choose an entry, its chain rule is written out
with the numbers and the Units that make it are lit in the network's circuit."""

from __future__ import annotations

import dataclasses

import ipywidgets as widgets

from ..circuit import Circuit, fmt
from ..errors import RefusedValue
from ..layers import MLP, WeightGradientTrace, trace_weight_gradient
from ..picture.layout import NAME_COLOUR, layout_of, wires
from ..picture.svg import circuit_description, circuit_svg
from .base import MessageLine, SvgImage, View, escape, shows_errors

__all__ = ["WeightGradientView"]

NOTEBOOK_WIDTH = 700  # pixels: the picture fits this width unless the learner asks for full size
READABLE_SHRINK = 0.75  # fitting the width shrinks no further than this (labels stay readable)
LIT_WIRE_WIDTH = 6.0  # points: a lit wire is this thick at least
LIT_WIRE_COLOUR = NAME_COLOUR  # near black: apart from the grads' orange and blue in any vision
CAPTION = ("In the circuit, the wires of these Units are drawn thick and black; "
           "the weight's name is on yellow.")


def _entry(entry: object) -> tuple[int, int, int]:
    """An entry of dW as (layer, i, j), a list such as [1, 0, 0] too; anything else refused."""
    if (isinstance(entry, tuple | list) and len(entry) == 3
            and all(isinstance(k, int) and not isinstance(k, bool) for k in entry)):
        return tuple(entry)  # type: ignore[return-value]
    raise RefusedValue(f"entry must be (layer, i, j) for the entry dW<layer>[i,j], such as"
                       f" (1, 0, 0), not {entry!r}")


class WeightGradientView(View):
    """Choose an entry of dW: the lines of its chain rule with their numbers, the Units it uses
    with their values and grads, and those Units lit in the circuit (thick black wires, the
    weight's name on yellow).

    `circuit` is `model.to_circuit(x)` for one example; the view runs its backward pass (force
    1, as `model.backward` with a gradient of 1) so the numbers are the ones dW is made of.
    `zoom` "fit width" fits the notebook's width, "full size" shows reading size, scrolled;
    by default it fits when that keeps the labels readable, else shows full size.
    """

    def __init__(self, model: MLP, circuit: Circuit,
                 entry: tuple[int, int, int] = (1, 0, 0), zoom: str | None = None) -> None:
        super().__init__()
        options = [(f"dW{n}[{i},{j}]", (n, i, j))
                   for n, layer in enumerate(model.layers, start=1)
                   for i in range(layer.W.shape[0]) for j in range(layer.W.shape[1])]
        missing = [label[1:] for label, _ in options if label[1:] not in circuit.inputs]
        if missing:
            raise RefusedValue(f"the circuit has no input {missing[0]}: give the view "
                               f"model.to_circuit(x) of the same model")
        entry = _entry(entry)
        if entry not in {value for _, value in options}:
            raise RefusedValue(f"there is no entry dW{entry[0]}[{entry[1]},{entry[2]}] in this "
                               f"model; layers count from 1")
        self.model, self.circuit = model, circuit
        self.message = MessageLine()
        self._geometry = layout_of(circuit)
        self._index = {id(unit): k for k, unit in enumerate(circuit.units)}
        self.entry = widgets.Dropdown(options=options, value=entry, description="entry")
        self.entry.observe(lambda _: self.show(), names="value")
        if zoom is None:
            fits = NOTEBOOK_WIDTH / self._geometry.size_pixels[0] >= READABLE_SHRINK
            zoom = "fit width" if fits else "full size"
        if zoom not in ("fit width", "full size"):
            raise RefusedValue(f'zoom must be "fit width" or "full size", not {zoom!r}')
        self.zoom = widgets.ToggleButtons(options=["fit width", "full size"], value=zoom)
        self.zoom.observe(lambda _: self._fit(), names="value")
        self.lines = widgets.HTML()
        self.units_table = widgets.HTML()
        self.picture = SvgImage(*self._geometry.size_pixels)
        self.trace: WeightGradientTrace | None = None
        self.children = [widgets.HBox([self.entry, self.zoom]), self.lines, self.units_table,
                         self.picture.widget, self.message.widget]
        self._fit()
        self.show()

    @shows_errors
    def show(self) -> None:
        """Trace the chosen entry through the circuit and show its lines, Units and picture."""
        circuit = self.circuit
        circuit.backward()
        self.trace = trace = trace_weight_gradient(self.model, circuit, *self.entry.value)
        self.lines.value = "<pre>" + escape("\n".join(trace.lines)) + "</pre>"
        self.units_table.value = _units_html(circuit, trace)
        lit = {self._index[id(unit)] for unit in trace.units}
        shown = [
            dataclasses.replace(wire, colour=LIT_WIRE_COLOUR, opacity=1.0, dashed=False,
                                width=max(wire.width, LIT_WIRE_WIDTH)) if k in lit else wire
            for k, wire in enumerate(wires(circuit))
        ]
        weight = self._index[id(trace.units[0])]
        names = ", ".join(circuit.name_of(unit) for unit in trace.units)
        self.picture.show(circuit_svg(
            circuit, self._geometry, shown, highlight_unit=weight,
            description=f"{circuit_description(circuit)} Drawn thick and black, the Units "
                        f"{self.entry.label} is made of: {names}.",
        ))

    def _fit(self) -> None:
        """Size the picture: the notebook's width, or its natural size (scrolled)."""
        width, height = self._geometry.size_pixels
        shrink = min(1.0, NOTEBOOK_WIDTH / width) if self.zoom.value == "fit width" else 1.0
        self.picture.resize(round(width * shrink), round(height * shrink))

    def __repr__(self) -> str:
        lines = "" if self.trace is None else "\n" + "\n".join(self.trace.lines)
        return f"WeightGradientView({self.entry.label}){lines}"


def _units_html(circuit: Circuit, trace: WeightGradientTrace) -> str:
    """The Units behind the entry with their values and grads, as a small table."""
    rows = "".join(
        f"<tr><td><b>{escape(circuit.name_of(unit))}</b></td><td>{escape(fmt(unit.value))}</td>"
        f"<td>{escape(fmt(unit.grad))}</td></tr>"
        for unit in trace.units
    )
    head = "<tr><th>unit</th><th>value</th><th>grad</th></tr>"
    return f'<table style="font-size:0.9em">{head}{rows}</table><i>{escape(CAPTION)}</i>'

