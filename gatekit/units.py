"""Units: the wires of a circuit, each carrying a `value` forward and a `grad` backward.

A Unit made by no gate is a leaf: an input the learner can move, or a Constant made from a
plain number in an expression. A gate's output Unit is made by `wire`, the one place gates
are connected, which `Gate.forward` and the operators share; the operators build gates (see
`gates`), so `x * y + z` reads like the maths. Each module uses the other's names only when
called, so either may be imported first.
"""

from __future__ import annotations

import math
import numbers
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import collector, gates
from .errors import RefusedType, RefusedValue

if TYPE_CHECKING:
    from .gates import Gate

__all__ = ["Unit", "Constant", "check_number", "unit_name"]

NameOf = Callable[["Unit"], str]


def check_number(value: object, what: str = "value") -> float:
    """Return `value` as a float, refusing non-numbers (TypeError) and NaN or ±inf (ValueError)."""
    if type(value) is not float:  # the common case skips the (slow) abstract-class check
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise RefusedType(
                f"{what} must be a real number, not {type(value).__name__} ({value!r})"
            )
        value = float(value)
    if not math.isfinite(value):
        raise RefusedValue(f"{what} must be a finite number, not {value}")
    return value


def checked_result(gate: Gate, value: object) -> float:
    """What a gate's compute() returned, as a float: any real number (inf too, as exp gives), and
    NaN only from a built-in gate (inf - inf); a learner's gate returning None, a string, a
    complex number (`a.value ** 0.5` at -1) or NaN is refused, naming its class: a complex
    number or NaN as a value with no real answer there (ValueError), anything else as a type."""
    if type(value) is float and value == value:
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if value == value or type(gate).__module__ == __package__ + ".gates":
            return float(value)
    number = isinstance(value, numbers.Complex) and not isinstance(value, bool)
    refused = RefusedValue if number else RefusedType
    shown = type(value).__name__ + (f" {value!r}" if isinstance(value, complex) else "")
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        shown = "nan"  # the only real number refused
    raise refused(f"{type(gate).__name__}.compute returned {shown}, not a real number:"
                  " compute should return the output's value")


class Unit:
    """A wire of a circuit: `value` flows forward, `grad` flows backward.

    A Unit made by no gate is a leaf: an input the learner can move. `visit` is the mark
    the last circuit search left on it (see `Circuit`): a mark is cheaper than a set.
    """

    __slots__ = ("value", "grad", "name", "gate", "visit", "__weakref__")

    def __init__(self, value: float, grad: float = 0.0, name: str | None = None) -> None:
        if name is not None and (not isinstance(name, str) or not name):
            raise RefusedType(f"a Unit's name must be a non-empty string (or None), not {name!r}")
        self.value = check_number(value, f"the value of Unit {name!r}" if name else "a value")
        self.grad = check_number(grad, f"the grad of Unit {name!r}" if name else "a grad")
        self.name = name
        self.gate: Gate | None = None
        self.visit: object = None

    def named(self, name: str) -> Unit:
        """Give this Unit a name (shown in drawings and explanations) and return it."""
        if not isinstance(name, str) or not name:
            raise RefusedType(f"a Unit's name must be a non-empty string, not {name!r}")
        self.name = name
        return self

    @property
    def is_leaf(self) -> bool:
        """True for a Unit no gate produced (an input or a constant)."""
        return self.gate is None

    def __repr__(self) -> str:
        name = f", name={self.name!r}" if self.name is not None else ""
        return f"{type(self).__name__}(value={self.value:.6g}, grad={self.grad:.6g}{name})"

    # The operators build gates, so `x * y + z` reads like the maths and builds a circuit.
    def __add__(self, other: Unit | float) -> Unit:
        other = other if isinstance(other, Unit) else constant(other)
        return wire(gates.AddGate(), (self, other))

    def __radd__(self, other: float) -> Unit:
        return wire(gates.AddGate(), (constant(other), self))  # other is never a Unit here

    def __sub__(self, other: Unit | float) -> Unit:
        other = other if isinstance(other, Unit) else constant(other)
        return wire(gates.SubGate(), (self, other))

    def __rsub__(self, other: float) -> Unit:
        return wire(gates.SubGate(), (constant(other), self))  # other is never a Unit here

    def __mul__(self, other: Unit | float) -> Unit:
        other = other if isinstance(other, Unit) else constant(other)
        return wire(gates.MulGate(), (self, other))

    def __rmul__(self, other: float) -> Unit:
        return wire(gates.MulGate(), (constant(other), self))  # other is never a Unit here

    def __truediv__(self, other: Unit | float) -> Unit:
        other = other if isinstance(other, Unit) else constant(other)
        return wire(gates.DivGate(), (self, other))

    def __rtruediv__(self, other: float) -> Unit:
        return wire(gates.DivGate(), (constant(other), self))  # other is never a Unit here

    def __neg__(self) -> Unit:
        return wire(gates.NegGate(), (self,))

    def __pow__(self, exponent: float) -> Unit:
        if isinstance(exponent, Unit):
            raise RefusedType("the exponent of ** must be a number, not a Unit (use exp for e**x)")
        return wire(gates.PowGate(exponent), (self,))


class Constant(Unit):
    """A leaf that holds a fixed number (made from a plain number in an expression).

    Circuits do not list constants among their inputs: a learner cannot pull on them. An
    unnamed constant is shown by its value.
    """

    __slots__ = ()

    def __init__(self, value: float, name: str | None = None) -> None:
        super().__init__(value, 0.0, name)


_new_unit = object.__new__
_weak = weakref.ref


def wire(gate: Gate, inputs: tuple[Unit, ...]) -> Unit:
    """Connect `gate` to its input Units, make its output Unit and compute the output's value.

    The one place gates are wired: `Gate.forward` and the operators both come here.
    """
    if not collector.building:
        collector.start()
    gate.inputs = inputs
    out = _new_unit(Unit)
    out.grad, out.name, out.gate, out.visit = 0.0, None, gate, None
    gate._output = _weak(out)
    out.value = gate.compute()
    return out


def constant(number: float) -> Constant:
    """A plain number in an expression as a Constant leaf, made without Unit's checks of a
    name and a grad (it has neither): the cheap path for `2 * x`."""
    leaf = _new_unit(Constant)
    leaf.value = check_number(number, "a number in an expression")
    leaf.grad, leaf.name, leaf.gate, leaf.visit = 0.0, None, None, None
    return leaf


def as_unit(x: Unit | float) -> Unit:
    """A Unit as it is; a plain number becomes a Constant leaf."""
    return x if isinstance(x, Unit) else constant(x)


def unit_name(unit: Unit, name_of: NameOf | None = None) -> str:
    """A unit's name for a formula: its own, else the circuit's (via `name_of`), else a
    constant's value, else (outside a circuit) a wire's own formula, `(y - 1)`, two gates deep;
    only an unnamed input outside any circuit is `?`."""
    if unit.name is not None:
        return unit.name
    if name_of is not None:
        return name_of(unit)
    return _formula(unit, _FORMULA_DEPTH)


_FORMULA_DEPTH = 2  # gates a wire's formula shows before it writes … for what is further up


def _formula(unit: Unit, depth: int) -> str:
    """An unnamed unit outside a circuit as the formula that made it, `depth` gates deep."""
    if unit.name is not None:
        return unit.name
    if isinstance(unit, Constant):
        return format(unit.value, "g")
    if unit.gate is None:
        return "?"
    if depth == 0:
        return "…"
    text = unit.gate.describe(lambda u: _formula(u, depth - 1))
    return text if text.startswith(f"{unit.gate.symbol}(") else f"({text})"  # a call: no ( )
