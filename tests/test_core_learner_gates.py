"""A learner's own gate, written exactly like the built-in ones, works wherever they do."""

import math

import pytest
from learner_gates import Square

import gatekit as gk


def test_forward_and_backward_by_hand_as_in_the_guide():
    x = gk.Unit(3.0, name="x")
    gate = Square()
    out = gate.forward(x)
    assert out.value == 9.0 and out.gate is gate and gate.output is out and gate.inputs == (x,)
    out.grad = 2.0
    gate.backward()
    assert x.grad == 12.0


def test_operators_around_it_and_a_circuit_over_it():
    x, y = gk.Unit(2.0, name="x"), gk.Unit(-1.0, name="y")
    circuit = gk.Circuit(Square().forward(x + 1) * y - 3)
    assert circuit.value == -12.0
    assert circuit.backward() == {"x": -6.0, "y": 9.0}
    assert circuit.check_gradients().ok
    assert circuit.forward(x=1.0) == -7.0
    assert circuit.forward_mode("x")["f"] == circuit.backward()["x"] == -4.0


def test_explain_and_describe_name_it_by_its_symbol():
    x = gk.Unit(3.0, name="x")
    circuit = gk.Circuit(Square().forward(x).named("s") * 2)
    assert circuit.describe(circuit.gates[0]) == "sq(x)"
    assert circuit.explain() == [
        "df/df = 1",
        "df/ds = df/df · ∂(s * 2)/∂s = 1 · 2 = 2",
        "df/dx = df/ds · ∂sq(x)/∂x = 2 · 6 = 12",
    ]
    assert repr(circuit.gates[0]) == "Square(sq(x))"


def test_parse_calls_it_by_the_name_given_in_gates():
    circuit = gk.parse("sq(x) * y + sq(y - 1)", gates={"sq": Square}, x=2.0, y=3.0)
    assert circuit.value == 4 * 3 + 4
    assert circuit.backward() == {"x": 12.0, "y": 4.0 + 4.0}
    assert sum(isinstance(gate, Square) for gate in circuit.gates) == 2


def test_a_multi_input_gate_in_parse_checks_its_arguments():
    class Hypot(gk.Gate):
        symbol = "hypot"

        def compute(self):
            a, b = self.inputs
            return math.hypot(a.value, b.value)

        def backward(self):
            a, b = self.inputs
            out = self.output
            a.grad += a.value / out.value * out.grad
            b.grad += b.value / out.value * out.grad

    circuit = gk.parse("hypot(x, 4)", gates={"hypot": Hypot}, x=3.0)
    assert circuit.value == 5.0 and circuit.backward() == {"x": 0.6}
    with pytest.raises(ValueError, match="hypot takes 2 argument"):
        gk.parse("hypot(x)", gates={"hypot": Hypot})


@pytest.mark.parametrize(
    ("gates", "error", "message"),
    [
        ({"sq": Square()}, TypeError, r"gates\['sq'\] must be a gk.Gate subclass.*a gate made"),
        ({"sq": math.sqrt}, TypeError, r"gates\['sq'\] must be a gk.Gate subclass"),
        ({"sq": int}, TypeError, r"gates\['sq'\] must be a gk.Gate subclass"),
        ({"relu": Square}, ValueError, "'relu' is already a gate function"),
        ({"my gate": Square}, ValueError, "plain name such as 'sq', not 'my gate'"),
        ({"lambda": Square}, ValueError, "plain name"),
        ({3: Square}, ValueError, "plain name"),
        ([("sq", Square)], TypeError, "gates= takes your gate classes by name"),
        ({"sq": type("Odd", (Square,), {"arity": 0})}, ValueError, "Odd.arity must be"),
        ({"sq": gk.Gate}, TypeError, r"gates\['sq'\] is gk.Gate itself: give your own subclass"),
    ],
)
def test_bad_gates_are_refused_with_a_sentence(gates, error, message):
    with pytest.raises(error, match=message):
        gk.parse("sq(x)", gates=gates)


def test_an_unknown_call_lists_the_learners_gates_too():
    with pytest.raises(ValueError, match="calling 'cube' is not allowed.*tanh, sq"):
        gk.parse("cube(x)", gates={"sq": Square})


def test_to_dict_says_which_gate_it_cannot_save():
    circuit = gk.Circuit(Square().forward(gk.Unit(2.0, name="x")))
    with pytest.raises(gk.CircuitError, match="cannot save a Square gate: only the built-in"):
        circuit.to_dict()


def test_a_subclass_of_a_built_in_gate_is_not_saved_as_the_built_in():
    class LoudMul(gk.MulGate):
        __slots__ = ()

    circuit = gk.Circuit(LoudMul().forward(gk.Unit(2.0, name="x"), 3.0))
    with pytest.raises(gk.CircuitError, match="LoudMul"):
        circuit.to_dict()


def test_wrong_arity_and_a_compute_that_returns_no_number_are_sentences():
    with pytest.raises(TypeError, match="Square.forward takes 1 input"):
        Square().forward(gk.Unit(1.0), gk.Unit(2.0))

    class Forgetful(Square):
        def compute(self):
            (a,) = self.inputs
            a.value ** 2  # noqa: B018 - the forgotten `return` under test

    with pytest.raises(TypeError, match="Forgetful.compute returned NoneType, not a real number"):
        Forgetful().forward(gk.Unit(1.0))


def test_a_gate_without_compute_or_backward_says_so():
    class Empty(gk.Gate):
        arity = 1

    with pytest.raises(NotImplementedError, match="Empty needs a compute"):
        Empty().forward(gk.Unit(1.0))


def test_its_drawing_data_names_it_by_class():
    graph = gk.Circuit(Square().forward(gk.Unit(2.0, name="x"))).to_networkx()
    ops = [data["op"] for _, data in graph.nodes(data=True) if data["kind"] == "gate"]
    assert ops == ["Square"]


class Returns(gk.Gate):
    """A gate whose compute returns whatever `result(a)` gives: a learner's slips, one by one."""

    arity = 1
    symbol = "r"
    result = staticmethod(lambda a: a)

    def compute(self):
        (a,) = self.inputs
        return self.result(a.value)

    def backward(self):
        self.inputs[0].grad += self.output.grad


@pytest.mark.parametrize(("result", "kind", "shown"), [
    (lambda a: a ** 0.5, ValueError, r"complex \("),  # a.value ** 0.5 at a < 0: no real value
    (lambda a: math.nan if a < 0 else a, ValueError, "nan"),
    (lambda a: None if a < 0 else a, TypeError, "NoneType"),
    (lambda a: "oops" if a < 0 else a, TypeError, "str"),
])
def test_every_forward_checks_what_a_learners_compute_returns(result, kind, shown):
    gate_class = type("Slip", (Returns,), {"result": staticmethod(result)})
    x = gk.Unit(4.0, name="x")
    circuit = gk.Circuit(gate_class().forward(x) + 1.0)
    with pytest.raises(kind, match=f"^Slip.compute returned {shown}.*not a real number"):
        circuit.forward(x=-1.0)
    assert circuit.values() == {"x": 4.0}
    assert [unit.value for unit in circuit.units] == [4.0, 1.0, result(4.0), result(4.0) + 1]
    with pytest.raises(kind, match="not a real number"):
        gate_class().forward(gk.Unit(-1.0))


def test_views_stay_up_where_a_learners_gate_has_no_real_value():
    from gatekit.widgets.landscape import Landscape

    root = type("Root", (Returns,), {"result": staticmethod(lambda a: a ** 0.5)})
    circuit = gk.Circuit(root().forward(gk.Unit(4.0, name="x")) + gk.Unit(1.0, name="y"))
    explorer = gk.explore(circuit)
    explorer.sliders["x"].value = -1.0
    assert explorer.message.text.startswith("Root.compute returned complex")
    assert explorer.sliders["x"].value == 4.0 and circuit.values() == {"x": 4.0, "y": 1.0}
    landscape = Landscape(circuit, half_width=8.0)  # half its window has no real value
    assert landscape.message.text == "" and circuit.values() == {"x": 4.0, "y": 1.0}


def test_a_built_in_gate_may_still_give_nan():
    x = gk.Unit(1000.0, name="x")
    circuit = gk.Circuit(gk.exp(x) - gk.exp(x))
    assert math.isnan(circuit.forward(x=1000.0))


@pytest.mark.parametrize("symbol", [5, None, ""])
def test_a_symbol_that_is_no_text_is_refused_before_anything_draws_it(symbol):
    odd = type("Odd", (Square,), {"symbol": symbol})
    with pytest.raises(TypeError, match=f"^Odd.symbol must be a short text such as symbol = "
                                        f'"sq" \\(drawings show it\\), not {symbol!r}$'):
        odd().forward(gk.Unit(1.0, name="x"))
    with pytest.raises(TypeError, match="Odd.symbol must be"):
        gk.parse("sq(x)", gates={"sq": odd})
