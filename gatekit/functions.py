"""The gates as functions: each call makes a new gate and returns its output Unit.

A plain number in place of a Unit becomes a constant leaf, as with the operators, and like
them each function wires its gate directly (`wire`), the arity being known.
"""

from __future__ import annotations

from .gates import (
    AddGate,
    DivGate,
    ExpGate,
    LogGate,
    MaxGate,
    MulGate,
    NegGate,
    PowGate,
    ReLUGate,
    SigmoidGate,
    SubGate,
    TanhGate,
    Unit,
)
from .units import as_unit, wire

__all__ = [
    "add", "sub", "mul", "div", "neg", "power", "max", "relu", "sigmoid", "exp", "log", "tanh",
]

Operand = Unit | float


def add(a: Operand, b: Operand) -> Unit:
    """a + b"""
    return wire(AddGate(), (as_unit(a), as_unit(b)))


def sub(a: Operand, b: Operand) -> Unit:
    """a - b"""
    return wire(SubGate(), (as_unit(a), as_unit(b)))


def mul(a: Operand, b: Operand) -> Unit:
    """a * b"""
    return wire(MulGate(), (as_unit(a), as_unit(b)))


def div(a: Operand, b: Operand) -> Unit:
    """a / b (a ZeroDivisionError naming the divisor when b is 0)"""
    return wire(DivGate(), (as_unit(a), as_unit(b)))


def neg(a: Operand) -> Unit:
    """-a"""
    return wire(NegGate(), (as_unit(a),))


def power(a: Operand, exponent: float) -> Unit:
    """a ** exponent, for a constant number exponent"""
    return wire(PowGate(exponent), (as_unit(a),))


def max(a: Operand, b: Operand) -> Unit:  # noqa: A001 - the guide's name for the gate
    """max(a, b): the gradient goes to the larger input (the first at a tie)"""
    return wire(MaxGate(), (as_unit(a), as_unit(b)))


def relu(a: Operand) -> Unit:
    """max(a, 0): the gradient passes only where a > 0"""
    return wire(ReLUGate(), (as_unit(a),))


def sigmoid(a: Operand) -> Unit:
    """1 / (1 + e^-a), stable for any finite a"""
    return wire(SigmoidGate(), (as_unit(a),))


def exp(a: Operand) -> Unit:
    """e^a (inf past the largest float, never an OverflowError)"""
    return wire(ExpGate(), (as_unit(a),))


def log(a: Operand) -> Unit:
    """the natural logarithm of a (refused, with a sentence, where a <= 0)"""
    return wire(LogGate(), (as_unit(a),))


def tanh(a: Operand) -> Unit:
    """tanh(a)"""
    return wire(TanhGate(), (as_unit(a),))
