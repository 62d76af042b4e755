"""Units and gates: the vocabulary of the guide.

A Unit is a wire carrying a `value` (the forward pass) and a `grad` (the backward pass).
A gate is an object with `forward(*units)`, which wires it to its input Units and returns a
new output Unit, and `backward()`, which adds each input's local gradient times the output's
grad into that input's `.grad` -- the chain rule, one gate at a time.

The links run one way only: an output Unit owns the gate that made it, the gate owns its
inputs, and it reaches its output through a weak reference. With no reference cycles, a
circuit nobody uses is freed at once instead of waiting for Python's cyclic garbage collector,
which is what keeps building many small circuits fast.
"""

from __future__ import annotations

import math
import numbers
import weakref
from collections.abc import Callable

__all__ = [
    "Unit",
    "Constant",
    "Gate",
    "AddGate",
    "SubGate",
    "MulGate",
    "DivGate",
    "NegGate",
    "PowGate",
    "MaxGate",
    "ReLUGate",
    "SigmoidGate",
    "TanhGate",
    "ExpGate",
    "GATE_TYPES",
    "check_number",
]


def check_number(value: object, what: str = "value") -> float:
    """Return `value` as a float, refusing non-numbers (TypeError) and NaN or ±inf (ValueError)."""
    if type(value) is not float:  # the common case skips the (slow) abstract-class check
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(
                f"{what} must be a real number, not {type(value).__name__} ({value!r})"
            )
        value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, not {value}")
    return value


class Unit:
    """A wire of a circuit: `value` flows forward, `grad` flows backward.

    A Unit made by no gate is a leaf: an input the learner can move.
    """

    __slots__ = ("value", "grad", "name", "gate", "__weakref__")

    def __init__(self, value: float, grad: float = 0.0, name: str | None = None) -> None:
        what = f"the value of Unit {name!r}" if name else "a Unit's value"
        self.value = check_number(value, what)
        self.grad = check_number(grad, f"the grad of Unit {name!r}" if name else "a Unit's grad")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"a Unit's name must be a string, not {type(name).__name__}")
        self.name = name
        self.gate: Gate | None = None

    def named(self, name: str) -> Unit:
        """Give this Unit a name (shown in drawings and explanations) and return it."""
        if not isinstance(name, str) or not name:
            raise TypeError(f"a Unit's name must be a non-empty string, not {name!r}")
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
        return AddGate().forward(self, other)

    def __radd__(self, other: float) -> Unit:
        return AddGate().forward(other, self)

    def __sub__(self, other: Unit | float) -> Unit:
        return SubGate().forward(self, other)

    def __rsub__(self, other: float) -> Unit:
        return SubGate().forward(other, self)

    def __mul__(self, other: Unit | float) -> Unit:
        return MulGate().forward(self, other)

    def __rmul__(self, other: float) -> Unit:
        return MulGate().forward(other, self)

    def __truediv__(self, other: Unit | float) -> Unit:
        return DivGate().forward(self, other)

    def __rtruediv__(self, other: float) -> Unit:
        return DivGate().forward(other, self)

    def __neg__(self) -> Unit:
        return NegGate().forward(self)

    def __pow__(self, exponent: float) -> Unit:
        if isinstance(exponent, Unit):
            raise TypeError("the exponent of ** must be a number, not a Unit (use exp for e**x)")
        return PowGate(exponent).forward(self)


class Constant(Unit):
    """A leaf that holds a fixed number (made from a plain number in an expression).

    Circuits do not list constants among their inputs: a learner cannot pull on them.
    """

    __slots__ = ()

    def __init__(self, value: float, name: str | None = None) -> None:
        super().__init__(value, 0.0, name if name is not None else format(float(value), "g"))


def _name(unit: Unit, name_of: Callable[[Unit], str] | None) -> str:
    """A unit's name for a formula: its own, else the circuit's (via `name_of`), else `?`."""
    if unit.name is not None:
        return unit.name
    return name_of(unit) if name_of is not None else "?"


def _as_unit(x: Unit | float) -> Unit:
    """A Unit as it is; a plain number becomes a Constant leaf."""
    return x if isinstance(x, Unit) else Constant(check_number(x, "a number in an expression"))


class Gate:
    """Base of all gates: wires inputs to an output; subclasses give the local rule.

    A subclass writes `compute()` (the output's value from the inputs' values: the forward
    rule) and `backward()` (add local gradient * output.grad into each input's grad: the
    backward rule). backward reaches the output through `self._output()`, the weak reference.
    """

    __slots__ = ("inputs", "_output")
    arity = 2
    symbol = "?"

    def forward(self, *units: Unit | float) -> Unit:
        """Store the input Units, compute, and return the new output Unit."""
        if len(units) != self.arity:
            raise TypeError(
                f"{type(self).__name__}.forward takes {self.arity} input(s), got {len(units)}"
            )
        self.inputs = tuple([_as_unit(u) for u in units])
        out = Unit.__new__(Unit)
        out.value, out.grad, out.name, out.gate = 0.0, 0.0, None, self
        self._output = weakref.ref(out)
        out.value = self.compute()
        return out

    @property
    def output(self) -> Unit:
        """The Unit this gate produced (held weakly: the Unit owns the gate, not the reverse)."""
        out = self._output()
        if out is None:
            raise RuntimeError(f"the output Unit of this {type(self).__name__} no longer exists")
        return out

    def compute(self) -> float:
        """The output's value from the inputs' values (the forward rule)."""
        raise NotImplementedError

    def backward(self) -> None:
        """Add local gradient * output.grad into each input's grad (the backward rule)."""
        raise NotImplementedError

    def describe(self, name_of: Callable[[Unit], str] | None = None) -> str:
        """The gate as a formula over its inputs' names, such as `x * y` (`name_of` gives a
        circuit's names for unnamed Units; without it they show as `?`)."""
        names = [_name(u, name_of) for u in self.inputs]
        if self.arity == 2 and self.symbol in "+-*/":
            return f"{names[0]} {self.symbol} {names[1]}"
        return f"{self.symbol}({', '.join(names)})"

    def __repr__(self) -> str:
        if not hasattr(self, "inputs"):
            return f"{type(self).__name__}()"
        return f"{type(self).__name__}({self.describe()})"


class AddGate(Gate):
    """a + b: the local gradient is 1 for both inputs, so it passes the gradient on unchanged."""

    __slots__ = ()
    symbol = "+"

    def compute(self) -> float:
        a, b = self.inputs
        return a.value + b.value

    def backward(self) -> None:
        a, b = self.inputs
        dout = self._output().grad
        a.grad += dout
        b.grad += dout


class SubGate(Gate):
    """a - b: local gradients 1 and -1."""

    __slots__ = ()
    symbol = "-"

    def compute(self) -> float:
        a, b = self.inputs
        return a.value - b.value

    def backward(self) -> None:
        a, b = self.inputs
        dout = self._output().grad
        a.grad += dout
        b.grad -= dout


class MulGate(Gate):
    """a * b: each input's local gradient is the other input's value (the gate swaps them)."""

    __slots__ = ()
    symbol = "*"

    def compute(self) -> float:
        a, b = self.inputs
        return a.value * b.value

    def backward(self) -> None:
        a, b = self.inputs
        dout = self._output().grad
        a.grad += b.value * dout
        b.grad += a.value * dout


class DivGate(Gate):
    """a / b: local gradients 1/b and -a/b²."""

    __slots__ = ()
    symbol = "/"

    def compute(self) -> float:
        a, b = self.inputs
        if b.value == 0.0:
            divisor = b.name or "the divisor"
            raise ZeroDivisionError(f"division by zero in {self.describe()}: {divisor} is 0")
        return a.value / b.value

    def backward(self) -> None:
        a, b = self.inputs
        dout = self._output().grad
        a.grad += (1.0 / b.value) * dout
        b.grad += (-a.value / (b.value * b.value)) * dout


class NegGate(Gate):
    """-a: local gradient -1, so it flips the sign of the gradient."""

    __slots__ = ()
    arity = 1
    symbol = "neg"

    def compute(self) -> float:
        (a,) = self.inputs
        return -a.value

    def backward(self) -> None:
        (a,) = self.inputs
        a.grad -= self._output().grad

    def describe(self, name_of: Callable[[Unit], str] | None = None) -> str:
        return f"-{_name(self.inputs[0], name_of)}"


class PowGate(Gate):
    """a ** n for a constant number n: local gradient n * a**(n-1)."""

    __slots__ = ("exponent",)
    arity = 1
    symbol = "**"

    def __init__(self, exponent: float = 2.0) -> None:
        self.exponent = check_number(exponent, "the exponent of **")

    def compute(self) -> float:
        (a,) = self.inputs
        return self._power(a.value, self.exponent)

    def backward(self) -> None:
        (a,) = self.inputs
        n = self.exponent
        a.grad += n * self._power(a.value, n - 1.0) * self._output().grad

    def _power(self, base: float, n: float) -> float:
        """base ** n as a real number, or a ValueError that says why there is none."""
        try:
            return math.pow(base, n)
        except (ValueError, ZeroDivisionError, OverflowError) as error:
            raise ValueError(
                f"{self.describe()} has no real value at {self.inputs[0].name or 'a'} = {base:g}"
                f" ({base:g} ** {n:g}: {error})"
            ) from None

    def describe(self, name_of: Callable[[Unit], str] | None = None) -> str:
        return f"{_name(self.inputs[0], name_of)} ** {self.exponent:g}"


class MaxGate(Gate):
    """max(a, b): routes the whole gradient to the larger input (the first one at a tie)."""

    __slots__ = ()
    symbol = "max"

    def compute(self) -> float:
        a, b = self.inputs
        return a.value if a.value >= b.value else b.value

    def backward(self) -> None:
        a, b = self.inputs
        dout = self._output().grad
        if a.value >= b.value:
            a.grad += dout
        else:
            b.grad += dout


class ReLUGate(Gate):
    """relu(a) = max(a, 0): passes the gradient where a > 0 and stops it elsewhere (also at 0)."""

    __slots__ = ()
    arity = 1
    symbol = "relu"

    def compute(self) -> float:
        (a,) = self.inputs
        return a.value if a.value > 0.0 else 0.0

    def backward(self) -> None:
        (a,) = self.inputs
        if a.value > 0.0:
            a.grad += self._output().grad


class SigmoidGate(Gate):
    """sigmoid(a) = 1 / (1 + e^-a): local gradient s * (1 - s), where s is the output."""

    __slots__ = ()
    arity = 1
    symbol = "σ"

    def compute(self) -> float:
        (a,) = self.inputs
        x = a.value
        if x >= 0.0:  # two forms, so e^x never overflows: sigmoid(-1000) is 0.0, not an error
            return 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            return e / (1.0 + e)

    def backward(self) -> None:
        (a,) = self.inputs
        out = self._output()
        s = out.value
        a.grad += s * (1.0 - s) * out.grad


class TanhGate(Gate):
    """tanh(a): local gradient 1 - t², where t is the output."""

    __slots__ = ()
    arity = 1
    symbol = "tanh"

    def compute(self) -> float:
        (a,) = self.inputs
        return math.tanh(a.value)

    def backward(self) -> None:
        (a,) = self.inputs
        out = self._output()
        t = out.value
        a.grad += (1.0 - t * t) * out.grad


class ExpGate(Gate):
    """exp(a) = e^a: its own derivative, so the local gradient is the output itself."""

    __slots__ = ()
    arity = 1
    symbol = "exp"

    def compute(self) -> float:
        (a,) = self.inputs
        try:
            return math.exp(a.value)
        except OverflowError:  # past e^709.78 no float is large enough: the answer is inf
            return math.inf

    def backward(self) -> None:
        (a,) = self.inputs
        out = self._output()
        if out.grad:  # inf * 0 would be NaN; no force means no gradient, even past overflow
            a.grad += out.value * out.grad


# Every gate kind by its name, for parsing, (de)serialising and property tests.
GATE_TYPES: dict[str, type[Gate]] = {
    "add": AddGate,
    "sub": SubGate,
    "mul": MulGate,
    "div": DivGate,
    "neg": NegGate,
    "pow": PowGate,
    "max": MaxGate,
    "relu": ReLUGate,
    "sigmoid": SigmoidGate,
    "tanh": TanhGate,
    "exp": ExpGate,
}
