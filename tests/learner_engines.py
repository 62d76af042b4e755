"""Engines a learner might write, for check_engine and Circuit.from_engine: two correct ones in
different styles (closures, as micrograd; a tape) and one per classic mistake, each changing
only the lines that make the mistake."""

from __future__ import annotations

import math


class Closures:
    """micrograd's style with gatekit's names: each operation leaves a `_backward` closure on
    its output; backward() sorts the graph with an explicit stack, then runs the closures."""

    def __init__(self, value, inputs=(), op=""):
        self.value = value
        self.grad = 0.0
        self.inputs = tuple(inputs)
        self.op = op
        self._backward = lambda: None

    def _new(self, value, inputs, op):
        return type(self)(value, inputs, op)

    def __add__(self, other):
        out = self._new(self.value + other.value, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        out = self._new(self.value * other.value, (self, other), "*")

        def _backward():
            self.grad += other.value * out.grad
            other.grad += self.value * out.grad
        out._backward = _backward
        return out

    def __sub__(self, other):
        out = self._new(self.value - other.value, (self, other), "-")

        def _backward():
            self.grad += out.grad
            other.grad -= out.grad
        out._backward = _backward
        return out

    def __truediv__(self, other):
        out = self._new(self.value / other.value, (self, other), "/")

        def _backward():
            self.grad += out.grad / other.value
            other.grad -= self.value / other.value**2 * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):
        out = self._new(self.value**k, (self,), f"**{k}")

        def _backward():
            self.grad += k * self.value ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def _unary(self, value, op, slope):
        out = self._new(value, (self,), op)

        def _backward():
            self.grad += slope * out.grad
        out._backward = _backward
        return out

    def relu(self):
        return self._unary(max(self.value, 0.0), "relu", float(self.value > 0))

    def tanh(self):
        t = math.tanh(self.value)
        return self._unary(t, "tanh", self.tanh_slope(t))

    def tanh_slope(self, t):
        return 1 - t * t

    def exp(self):
        e = math.exp(self.value)
        return self._unary(e, "exp", e)

    def sigmoid(self):
        s = 1 / (1 + math.exp(-self.value))
        return self._unary(s, "sigmoid", s * (1 - s))

    def order(self):
        """Every node, each after all the nodes it depends on (an explicit stack, no recursion)."""
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((child, False) for child in node.inputs)
        return order

    def backward(self):
        self.grad = 1.0
        for node in reversed(self.order()):
            node._backward()


class Tape:
    """A tape: every operation appends its output to one list, and backward() walks that list
    backwards from the output, applying each op's rule by name. No closures, no sort: the tape
    is already in the order the values were made."""

    tape: list = []

    def __init__(self, value, inputs=(), op=""):
        self.value = value
        self.grad = 0.0
        self.inputs = tuple(inputs)
        self.op = op
        if inputs:
            self.position = len(Tape.tape)
            Tape.tape.append(self)

    def __add__(self, other):
        return Tape(self.value + other.value, (self, other), "+")

    def __mul__(self, other):
        return Tape(self.value * other.value, (self, other), "*")

    def relu(self):
        return Tape(max(self.value, 0.0), (self,), "relu")

    def rule(self):
        if self.op == "+":
            for node in self.inputs:
                node.grad += self.grad
        elif self.op == "*":
            a, b = self.inputs
            a.grad += b.value * self.grad
            b.grad += a.value * self.grad
        elif self.op == "relu":
            self.inputs[0].grad += (self.value > 0) * self.grad

    def backward(self):
        """Run the rules from the output back to the tape's start, then free the tape (as
        PyTorch frees a graph after backward): a second call finds nothing to do."""
        self.grad = 1.0
        for node in reversed(Tape.tape[: self.position + 1]):
            node.rule()
        Tape.tape.clear()


class ForwardOnly:
    """Step one of the chapter: values, no backward yet."""

    def __init__(self, value, inputs=(), op=""):
        self.value, self.grad, self.inputs, self.op = value, 0.0, tuple(inputs), op

    def __add__(self, other):
        return ForwardOnly(self.value + other.value, (self, other), "+")

    def __mul__(self, other):
        return ForwardOnly(self.value * other.value, (self, other), "*")


class MulAddsValues(Closures):
    """Forward slip: `*` adds."""

    def __mul__(self, other):
        out = super().__mul__(other)
        out.value = self.value + other.value
        return out


class Unseeded(Closures):
    """backward() never sets the output's grad to 1."""

    def backward(self):
        for node in reversed(self.order()):
            node._backward()


class WrongTanh(Closures):
    """tanh's rule forgets to square: 1 - t instead of 1 - t²."""

    def tanh_slope(self, t):
        return 1 - t


class Overwrites(Closures):
    """`=` instead of `+=` in the rules of + and *."""

    def __add__(self, other):
        out = self._new(self.value + other.value, (self, other), "+")

        def _backward():
            self.grad = out.grad
            other.grad = out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        out = self._new(self.value * other.value, (self, other), "*")

        def _backward():
            self.grad = other.value * out.grad
            other.grad = self.value * out.grad
        out._backward = _backward
        return out


class NoOrder(Closures):
    """backward() walks from the output, running each node's rule as it is reached: a node
    used twice passes its gradient on before all of it has arrived."""

    def backward(self):
        self.grad = 1.0
        stack = [self]
        while stack:
            node = stack.pop()
            node._backward()
            stack.extend(node.inputs)


class Recursive(Closures):
    """micrograd's own recursive topological sort: right, but Python's recursion limit stops
    it on a long chain."""

    def backward(self):
        order, seen = [], set()

        def build(node):
            if id(node) not in seen:
                seen.add(id(node))
                for child in node.inputs:
                    build(child)
                order.append(node)
        build(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


class Zeroes(Closures):
    """backward() zeroes every grad of the graph first, so a second call gives the same grads."""

    def backward(self):
        for node in self.order():
            node.grad = 0.0
        super().backward()


class Micrograd:
    """micrograd's names (data, _prev as a set, _op, label), forward only: for from_engine."""

    def __init__(self, data, _children=(), _op="", label=""):
        self.data, self.grad, self.label = data, 0.0, label
        self._prev, self._op = set(_children), _op

    def __add__(self, other):
        return Micrograd(self.data + other.data, (self, other), "+")

    def __mul__(self, other):
        return Micrograd(self.data * other.data, (self, other), "*")

    def __sub__(self, other):
        return Micrograd(self.data - other.data, (self, other), "-")

    def __pow__(self, k):
        return Micrograd(self.data**k, (self,), f"**{k}")

    def tanh(self):
        return Micrograd(math.tanh(self.data), (self,), "tanh")


class LeavesAccumulate(Closures):
    """As PyTorch: inner grads are computed afresh each pass, leaves add them up."""

    def backward(self):
        for node in self.order():
            if node.inputs:
                node.grad = 0.0
        super().backward()
