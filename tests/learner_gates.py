"""Gates written the way a learner writes them, shared by the tests of learner gates."""

import gatekit as gk


class Square(gk.Gate):
    """a², with the backward a learner writes: 2a times the output's grad, added."""

    arity = 1
    symbol = "sq"

    def compute(self):
        (a,) = self.inputs
        return a.value ** 2

    def backward(self):
        (a,) = self.inputs
        a.grad += 2 * a.value * self.output.grad


class Times(gk.Gate):
    """a * b as a learner writes it; tests of slips override only its backward."""

    symbol = "times"

    def compute(self):
        a, b = self.inputs
        return a.value * b.value

    def backward(self):
        a, b = self.inputs
        a.grad += b.value * self.output.grad
        b.grad += a.value * self.output.grad
