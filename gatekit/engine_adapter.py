"""A learner's own autograd engine, read into gatekit Units and gates so the views can draw it.

A node of the learner's graph needs a number, a grad, its children and the operation that made
it. Two sets of names are read, gatekit's first:

    gatekit's names      value   grad   inputs (a tuple, in order)   op     name
    micrograd's names    data    grad   _prev  (a set or a tuple)    _op    label

`op` is one of `+ - * / neg relu tanh exp sigmoid max` or `**k` for a number k (micrograd writes
`**2`); a node with no children is an input. Each node becomes a Unit holding the node's value
and grad, each operation the built-in gate, so gatekit recomputes every value: a node whose value
disagrees with its gate's is refused, so the drawing never shows numbers the graph does not hold.
The graph is walked with an explicit stack, so a chain of any depth reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import RefusedType, RefusedValue
from .gates import GATE_TYPES, Gate, PowGate, Unit, check_number
from .units import wire

if TYPE_CHECKING:
    from .circuit import Circuit

__all__ = ["from_engine", "engine_output", "KNOWN_OPS"]

# The learner's op -> gatekit's gate kind, by how many inputs the node has.
_BINARY = {"+": "add", "-": "sub", "*": "mul", "/": "div", "max": "max"}
_UNARY = {"neg": "neg", "-": "neg", "relu": "relu", "tanh": "tanh", "exp": "exp",
          "sigmoid": "sigmoid", "σ": "sigmoid"}
_COMMUTATIVE = {"+", "*"}
KNOWN_OPS = "+, -, *, /, neg, relu, tanh, exp, sigmoid, max and **k for a number k"
_AGREE = 1e-9  # relative gap allowed between a node's value and its gate's


def from_engine(circuit_class: type[Circuit], output: object) -> Circuit:
    """The circuit of a learner's own engine graph ending at `output`, with its values and
    grads, for the views to draw and explore (`Circuit.from_engine(output)`)."""
    return circuit_class(engine_output(output))


def engine_output(node: object) -> Unit:
    """The Unit standing for `node` (the learner's output), its whole graph wired as gates."""
    units: dict[int, Unit] = {}
    keep: list[object] = []  # holds every node, so no id is reused while we read
    stack: list[tuple[object, bool]] = [(node, False)]
    open_nodes: set[int] = set()
    while stack:
        current, children_done = stack.pop()
        key = id(current)
        if key in units:
            continue
        children = _children(current)
        if children_done:
            open_nodes.discard(key)
            units[key] = _unit(current, [units[id(child)] for child in children])
            keep.append(current)
            continue
        if key in open_nodes:
            raise RefusedValue("the graph has a cycle: a node is among its own inputs")
        open_nodes.add(key)
        stack.append((current, True))
        stack.extend((child, False) for child in reversed(children) if id(child) not in units)
    return units[id(node)]


def _attribute(node: object, *names: str) -> Any:
    """The first of `names` the node has (gatekit's name, then micrograd's), or a refusal."""
    for name in names:
        if hasattr(node, name):
            return getattr(node, name)
    wanted = " nor ".join(f"`{name}`" for name in names)
    raise RefusedType(f"{type(node).__name__} is not a node of an engine: it has no {wanted}")


def _children(node: object) -> list[object]:
    """The node's children in order (a set, as micrograd's `_prev`, in its iteration order)."""
    children = _attribute(node, "inputs", "_prev")
    if isinstance(children, str) or not hasattr(children, "__iter__"):
        raise RefusedType(f"the children of a {type(node).__name__} must be a tuple of nodes,"
                          f" not {type(children).__name__}")
    return list(children)


def _op(node: object) -> str:
    """The node's operation, lower case but for symbols ('ReLU' reads as 'relu')."""
    op = _attribute(node, "op", "_op")
    if not isinstance(op, str):
        raise RefusedType(f"a node's op must be a string such as '+', not {type(op).__name__}")
    op = op.strip()
    return op if op in ("+", "-", "*", "/", "σ") or op.startswith("**") else op.lower()


def _number(node: object, *names: str) -> float:
    """A node's value or grad, refused unless a finite number."""
    return check_number(_attribute(node, *names), f"a node's {names[0]}")


def _unit(node: object, inputs: list[Unit]) -> Unit:
    """The Unit for one node whose children are already `inputs`: a leaf or a gate's output."""
    value, grad = _number(node, "value", "data"), _number(node, "grad")
    if not inputs:
        unit = Unit(value, grad)
    else:
        unit = _wired(_op(node), inputs, value)
        unit.grad = grad
    name = next((getattr(node, a) for a in ("name", "label") if hasattr(node, a)), None)
    if isinstance(name, str) and name:
        unit.named(name)
    return unit


def _gate(op: str, arity: int) -> Gate | None:
    """The built-in gate for `op` with `arity` inputs, or None when there is none."""
    if op.startswith("**") and arity == 1:
        try:
            return PowGate(float(op[2:]))
        except ValueError:
            return None
    kind = (_UNARY if arity == 1 else _BINARY if arity == 2 else {}).get(op)
    return None if kind is None else GATE_TYPES[kind]()


def _wired(op: str, inputs: list[Unit], value: float) -> Unit:
    """The gate's output over `inputs`, in the reading whose value is the node's `value`.

    A binary op with one child is that child used twice (micrograd's set keeps `x * x` as {x});
    a set loses the order of `a - b`, so both orders are tried.
    """
    readings = [inputs]
    if len(inputs) == 1 and op in _BINARY:
        readings.append(inputs * 2)
    if len(inputs) == 2 and op not in _COMMUTATIVE:
        readings.append(inputs[::-1])
    tried = None
    for reading in readings:
        gate = _gate(op, len(reading))
        if gate is None:
            continue
        tried = wire(gate, tuple(reading))
        if _agrees(tried.value, value):
            return tried
    if tried is None:
        raise RefusedValue(f"a node made by {op!r} from {len(inputs)} input(s) has no gatekit"
                           f" gate: the ops read are {KNOWN_OPS}")
    raise RefusedValue(f"a node made by {op!r} holds {value!r}, but {op!r} of its inputs gives"
                       f" {tried.value!r}: its forward disagrees with gatekit's {op!r} gate")


def _agrees(a: float, b: float) -> bool:
    """Whether gatekit's value a is the node's value b up to rounding (inf never agrees)."""
    return abs(a - b) <= _AGREE * max(1.0, abs(b))
