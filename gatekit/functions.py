"""The gates as functions: each call makes a new gate and returns its output Unit.

A plain number in place of a Unit becomes a constant leaf, as with the operators.
"""

from __future__ import annotations

from .gates import (
    AddGate,
    DivGate,
    ExpGate,
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

__all__ = ["add", "sub", "mul", "div", "neg", "power", "max", "relu", "sigmoid", "exp", "tanh"]

Operand = Unit | float


def add(a: Operand, b: Operand) -> Unit:
    """a + b"""
    return AddGate().forward(a, b)


def sub(a: Operand, b: Operand) -> Unit:
    """a - b"""
    return SubGate().forward(a, b)


def mul(a: Operand, b: Operand) -> Unit:
    """a * b"""
    return MulGate().forward(a, b)


def div(a: Operand, b: Operand) -> Unit:
    """a / b (a ZeroDivisionError naming the divisor when b is 0)"""
    return DivGate().forward(a, b)


def neg(a: Operand) -> Unit:
    """-a"""
    return NegGate().forward(a)


def power(a: Operand, exponent: float) -> Unit:
    """a ** exponent, for a constant number exponent"""
    return PowGate(exponent).forward(a)


def max(a: Operand, b: Operand) -> Unit:  # noqa: A001 - the guide's name for the gate
    """max(a, b): the gradient goes to the larger input (the first at a tie)"""
    return MaxGate().forward(a, b)


def relu(a: Operand) -> Unit:
    """max(a, 0): the gradient passes only where a > 0"""
    return ReLUGate().forward(a)


def sigmoid(a: Operand) -> Unit:
    """1 / (1 + e^-a), stable for any finite a"""
    return SigmoidGate().forward(a)


def exp(a: Operand) -> Unit:
    """e^a (inf past the largest float, never an OverflowError)"""
    return ExpGate().forward(a)


def tanh(a: Operand) -> Unit:
    """tanh(a)"""
    return TanhGate().forward(a)
