"""Gates: the vocabulary of the guide, each with its local rule.

A gate is an object with `forward(*units)`, which wires it to its input Units and returns a
new output Unit, and `backward()`, which adds each input's local gradient times the output's
grad into that input's `.grad` -- the chain rule, one gate at a time. Each built-in gate also
has `tangent(...)`, the same rule run forwards (forward-mode differentiation).

The links run one way only: an output Unit owns the gate that made it, the gate owns its
inputs, and it reaches its output through a weak reference. With no reference cycles a
circuit nobody uses is freed at once; a gate costs four small objects (itself, its inputs
tuple, the weak reference and its output Unit), and `collector` keeps Python's cyclic
collector out of the way while they are made.
"""

from __future__ import annotations

import math

from .errors import NotWrittenYet, RefusedDivision, RefusedNow, RefusedType, RefusedValue
from .units import Constant, NameOf, Unit, as_unit, check_number, checked_result, unit_name, wire

__all__ = [
    "Gate", "AddGate", "SubGate", "MulGate", "DivGate", "NegGate", "PowGate", "MaxGate",
    "ReLUGate", "SigmoidGate", "TanhGate", "ExpGate", "LogGate", "GATE_TYPES",
    "Unit", "Constant", "check_number", "checked_result", "unit_name",  # (from units)
]

class Gate:
    """Base of all gates: wires inputs to an output; subclasses give the local rule.

    A gate, the built-in ones and a learner's own alike, sets `arity` (how many inputs) and
    `symbol`, and writes two methods:
    - `compute()`: return the output's value from `self.inputs` (a tuple of the input Units);
    - `backward()`: add each input's local gradient times `self.output.grad` into its `grad`.
    `self.inputs`, `self.output` and `compute()` returning the value are the learner's API and
    stay so. A gate may add `tangent(...)` (forward mode); without one it is derived from its
    own backward. Built-in gates reach their output as `self._output()` (the weak reference
    behind `self.output`: a call less per gate).
    """

    __slots__ = ("inputs", "_output")
    arity = 2
    symbol = "?"

    def forward(self, *units: Unit | float) -> Unit:
        """Store the input Units (plain numbers become constants), compute, return the output."""
        if not isinstance(self.symbol, str) or not self.symbol:
            raise RefusedType(f"{type(self).__name__}.symbol must be a short text such as"
                              f' symbol = "sq" (drawings show it), not {self.symbol!r}')
        if len(units) != self.arity:
            raise RefusedType(
                f"{type(self).__name__}.forward takes {self.arity} input(s), got {len(units)}"
            )
        out = wire(self, tuple([as_unit(unit) for unit in units]))
        out.value = checked_result(self, out.value)
        return out

    @property
    def output(self) -> Unit:
        """The Unit this gate produced (held weakly: the Unit owns the gate, not the reverse)."""
        out = self._output()
        if out is None:
            raise RefusedNow(f"the output Unit of this {type(self).__name__} no longer exists")
        return out

    def compute(self) -> float:
        """The output's value from the inputs' values (the forward rule)."""
        raise NotWrittenYet(f"{type(self).__name__} needs a compute() method")

    def backward(self) -> None:
        """Add local gradient * output.grad into each input's grad (the backward rule)."""
        raise NotWrittenYet(f"{type(self).__name__} needs a backward() method")

    def local_gradients(self) -> list[tuple[Unit, float]]:
        """Each distinct input with d(output)/d(input), found by running the gate's own backward
        once with an output grad of 1 (every grad is put back afterwards)."""
        distinct = list({id(unit): unit for unit in self.inputs}.values())
        out = self.output
        saved, saved_out = [unit.grad for unit in distinct], out.grad
        try:
            for unit in distinct:
                unit.grad = 0.0
            out.grad = 1.0
            self.backward()
            return [(unit, unit.grad) for unit in distinct]
        finally:
            for unit, grad in zip(distinct, saved, strict=True):
                unit.grad = grad
            out.grad = saved_out

    def uses(self) -> list[tuple[Unit, float]]:
        """Each input's local gradient, one per use of a repeated input (`a * a`) if tangent can."""
        if len(set(map(id, self.inputs))) == len(self.inputs) or type(self).tangent is Gate.tangent:
            return self.local_gradients()
        return [(u, self.tangent(*(float(m == k) for m in range(len(self.inputs)))))
                for k, u in enumerate(self.inputs)]

    def tangent(self, *tangents: float) -> float:
        """d(output) from each input's d(input) (forward mode: the chain rule run forwards).

        This general rule takes the local gradients from the gate's own backward; the built-in
        gates write theirs out.
        """
        by_unit = {id(unit): dot for unit, dot in zip(self.inputs, tangents, strict=True)}
        return sum(_times(local, by_unit[id(unit)]) for unit, local in self.local_gradients())

    def problem(self, name_of: NameOf | None = None) -> str | None:
        """Why compute() has no value at the inputs' current values, as a sentence using
        `name_of` for names (None when it has one). A circuit words gate errors with it."""
        return None

    def describe(self, name_of: NameOf | None = None) -> str:
        """The gate as a formula over its inputs' names, such as `x * y` (`name_of` gives a
        circuit's names for unnamed Units; without it they show as `?`)."""
        names = [unit_name(unit, name_of) for unit in self.inputs]
        if self.arity == 2 and self.symbol in ("+", "-", "*", "/"):
            return f"{names[0]} {self.symbol} {names[1]}"
        return f"{self.symbol}({', '.join(names)})"

    def __repr__(self) -> str:
        if not hasattr(self, "inputs"):
            return f"{type(self).__name__}()"
        return f"{type(self).__name__}({self.describe()})"


def _times(local: float, other: float) -> float:
    """local * other (a tangent or a grad), where a zero on either side gives 0 even against an
    infinity: a zero slope passes nothing back, and a zero change moves nothing forward."""
    return local * other if local and other else 0.0


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

    def tangent(self, da: float, db: float) -> float:
        return da + db


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

    def tangent(self, da: float, db: float) -> float:
        return da - db


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
        a.grad += b.value * dout if b.value else 0.0  # 0 * inf: a zero slope passes nothing
        b.grad += a.value * dout if a.value else 0.0

    def tangent(self, da: float, db: float) -> float:
        a, b = self.inputs
        return _times(b.value, da) + _times(a.value, db)


class DivGate(Gate):
    """a / b: local gradients 1/b and -a/b²."""

    __slots__ = ()
    symbol = "/"

    def compute(self) -> float:
        a, b = self.inputs
        if b.value == 0.0:
            raise RefusedDivision(self.problem())
        return a.value / b.value

    def backward(self) -> None:
        a, b = self.inputs
        dout = self._output().grad
        a.grad += dout / b.value
        b.grad += _times(self._divisor_slope(), dout)

    def tangent(self, da: float, db: float) -> float:
        return da / self.inputs[1].value + _times(self._divisor_slope(), db)

    def _divisor_slope(self) -> float:
        """-a/b² as -(a/b)/b: b² would lose digits or underflow at tiny b (x / x at 1e-160)."""
        a, b = self.inputs
        return -(a.value / b.value) / b.value

    def problem(self, name_of: NameOf | None = None) -> str | None:
        divisor = self.inputs[1]
        if divisor.value != 0.0:
            return None
        name = unit_name(divisor, name_of)
        said = "" if isinstance(divisor, Constant) and divisor.name is None else f": {name} is 0"
        return f"division by zero in {self.describe(name_of)}{said}"


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

    def tangent(self, da: float) -> float:
        return -da

    def describe(self, name_of: NameOf | None = None) -> str:
        return f"-{unit_name(self.inputs[0], name_of)}"


class PowGate(Gate):
    """a ** n for a constant number n: local gradient n * a**(n-1).

    Past the largest float the value is ±inf (as for exp), and so is the slope where it is
    infinite (a**0.5 at a = 0); a negative base under a fractional power has no real value.
    """

    __slots__ = ("exponent",)
    arity = 1
    symbol = "**"

    def __init__(self, exponent: float = 2.0) -> None:
        self.exponent = check_number(exponent, "the exponent of **")

    def compute(self) -> float:
        (a,) = self.inputs
        try:
            return math.pow(a.value, self.exponent)
        except OverflowError:
            return _signed_inf(a.value, self.exponent)
        except ValueError:
            raise RefusedValue(self.problem()) from None

    def backward(self) -> None:
        (a,) = self.inputs
        dout = self._output().grad
        if dout:  # inf * 0 would be NaN: no force, or a zero slope (n = 0), passes nothing
            a.grad += _times(self._slope(a.value), dout)

    def tangent(self, da: float) -> float:
        return _times(self._slope(self.inputs[0].value), da)

    def _slope(self, base: float) -> float:
        """n * base**(n-1), or ±inf where that is infinite (too large, or base 0 with n < 1)."""
        n = self.exponent
        if n == 0.0:
            return 0.0
        try:
            return n * math.pow(base, n - 1.0)
        except (OverflowError, ValueError):  # ValueError: 0 ** (n-1) with n < 1
            return math.copysign(1.0, n) * _signed_inf(base, n - 1.0)

    def problem(self, name_of: NameOf | None = None) -> str | None:
        base, n = self.inputs[0].value, self.exponent
        try:
            math.pow(base, n)
        except ValueError:
            unit = self.inputs[0]
            why = "0 to a negative power" if base == 0.0 else "a negative number to a fraction"
            at = "" if isinstance(unit, Constant) else f" at {unit_name(unit, name_of)} = {base:g}"
            return f"{self.describe(name_of)} has no real value{at} ({why})"
        except OverflowError:
            pass
        return None

    def describe(self, name_of: NameOf | None = None) -> str:
        return f"{unit_name(self.inputs[0], name_of)} ** {self.exponent:g}"


def _signed_inf(base: float, n: float) -> float:
    """The infinity base**n overflows to: negative only for a negative base to an odd power."""
    return -math.inf if base < 0.0 and n % 2.0 == 1.0 else math.inf


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

    def tangent(self, da: float, db: float) -> float:
        a, b = self.inputs
        return da if a.value >= b.value else db


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

    def tangent(self, da: float) -> float:
        return da if self.inputs[0].value > 0.0 else 0.0


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

    def tangent(self, da: float) -> float:
        s = self._output().value
        return s * (1.0 - s) * da


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

    def tangent(self, da: float) -> float:
        t = self._output().value
        return (1.0 - t * t) * da


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
        # inf * 0 would be NaN: no force, or a slope that underflowed to 0, passes nothing
        a.grad += _times(out.value, out.grad)

    def tangent(self, da: float) -> float:
        return _times(self._output().value, da)


class LogGate(Gate):
    """log(a), the natural logarithm, for a > 0 only: local gradient 1/a."""

    __slots__ = ()
    arity = 1
    symbol = "log"

    def compute(self) -> float:
        x = self.inputs[0].value
        if x <= 0.0:
            raise RefusedValue(self.problem())
        return math.log(x)  # log(inf) is inf, as exp(inf) is

    def backward(self) -> None:
        (a,) = self.inputs
        a.grad += self._output().grad / a.value  # divided, not times 1/a: no 0 * inf = NaN

    def tangent(self, da: float) -> float:
        return da / self.inputs[0].value

    def problem(self, name_of: NameOf | None = None) -> str | None:
        x = self.inputs[0].value
        name = unit_name(self.inputs[0], name_of)
        return None if x > 0.0 else (
            f"{self.describe(name_of)} has no real value at {name} = {x:g}: log needs a number > 0")


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
    "log": LogGate,
}
