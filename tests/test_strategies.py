"""The strategy comparison of parts 1-3: improvements and the passes each strategy spends."""

import pytest

import gatekit as gk
from gatekit.widgets.strategies import StrategyComparison, compare_strategies

NEURON = "sigmoid(a*x + b*y + c)"


def by_name(table):
    return {result.strategy: result for result in table}


def test_the_analytic_step_on_x_times_y_is_the_hand_computed_one():
    x, y, step = -2.0, 3.0, 0.01
    results = by_name(compare_strategies(gk.parse("x * y", x=x, y=y), step_size=step))
    analytic = results["analytic gradient"]
    assert analytic.before == x * y
    assert analytic.after == pytest.approx((x + step * y) * (y + step * x))
    assert results["numerical gradient"].after == pytest.approx(analytic.after, abs=1e-5)


@pytest.mark.parametrize("expression", ["x * y", "(x + y) * z", NEURON])
def test_each_strategy_spends_the_passes_the_course_says(expression):
    circuit = gk.parse(expression, x=-1, y=3)
    inputs = len(circuit.inputs)
    results = by_name(compare_strategies(circuit, tries=7))
    counts = {name: (r.forward_passes, r.backward_passes) for name, r in results.items()}
    assert counts == {"random local search": (7, 0), "numerical gradient": (inputs + 1, 0),
                      "analytic gradient": (1, 1)}


def test_random_search_finds_what_the_circuits_own_search_finds():
    circuit = gk.parse(NEURON, a=1, b=2, c=-3, x=-1, y=3)
    result = by_name(compare_strategies(circuit, tries=50, tweak=0.05, seed=4))
    _, best = circuit.random_local_search(iterations=50, tweak=0.05, seed=4)
    assert result["random local search"].after == best >= result["random local search"].before


def test_the_gradient_strategies_raise_the_output():
    table = compare_strategies(gk.parse(NEURON, a=1, b=2, c=-3, x=-1, y=3))
    assert all(result.improvement > 0 for result in table)


def test_the_circuit_is_left_as_it_was():
    circuit = gk.parse("(x + y) * z", x=-2, y=5, z=-4)
    values, output = circuit.values(), circuit.value
    compare_strategies(circuit)
    assert circuit.values() == values and circuit.value == output


def test_the_table_prints_a_row_per_strategy():
    text = str(compare_strategies(gk.parse("x * y", x=-2, y=3)))
    header, *rows = text.splitlines()
    assert "forward passes" in header and len(rows) == 3
    assert rows[2].startswith("analytic gradient") and "+0.1294" in rows[2]


def test_tries_must_be_a_positive_whole_number():
    with pytest.raises(ValueError, match="tries must be from 1 to 2000000 for this circuit of 1"):
        compare_strategies(gk.parse("x * y"), tries=0)
    with pytest.raises(TypeError, match="tries must be a whole number, not float"):
        compare_strategies(gk.parse("x * y"), tries=5.0)


def test_tries_beyond_a_cells_budget_are_refused_with_a_sentence():
    circuit = gk.parse(" + ".join(f"x{i} * y" for i in range(50)))  # 99 gates
    with pytest.raises(gk.errors.RefusedValue, match=r"tries must be from 1 to 20202 for this "
                       r"circuit of 99 gate\(s\), not 100000: more would keep the cell busy"):
        compare_strategies(circuit, tries=100_000)
    assert circuit.values() == dict.fromkeys(circuit.inputs, 1.0)  # parse starts inputs at 1


def test_the_widgets_tries_stay_within_an_events_budget():
    small = gk.parse("x * y", x=1.0, y=2.0)
    assert StrategyComparison(small).tries.max == 1000
    with pytest.raises(gk.errors.RefusedValue, match="tries must be from 1 to 1000 for this "
                       "circuit of 1 gate.s., not 100000: more would take longer than an event"):
        StrategyComparison(small, tries=100_000)  # was quietly 1000
    big = gk.parse(" + ".join(f"x{i} * y" for i in range(50)))
    widget = StrategyComparison(big, tries=10)
    assert widget.tries.max == 40_000 // 99 and widget.table is not None


def test_the_widget_reruns_when_a_slider_moves_and_shows_errors():
    widget = StrategyComparison(gk.parse("-(x ** 0.5)", x=0.5))
    widget.tries.value = 12
    assert by_name(widget.table)["random local search"].forward_passes == 12
    assert "<td>12</td>" in widget.table_view.value
    widget.step_size.value = 1.0  # steps x to -0.21, where the square root has no real value
    assert "no real value" in widget.message.text


def test_the_searches_are_the_circuits_own_and_their_passes_its_counters(monkeypatch):
    circuit = gk.parse(NEURON, a=1, b=2, c=-3, x=-1, y=3)
    calls = []
    for method in ("random_local_search", "numerical_gradient"):
        original = getattr(circuit, method)

        def spy(*args, _original=original, _name=method, **kwargs):
            calls.append((_name, args, kwargs))
            return _original(*args, **kwargs)

        monkeypatch.setattr(circuit, method, spy)
    forwards, backwards = circuit.forward_passes, circuit.backward_passes
    results = by_name(compare_strategies(circuit, tries=9, tweak=0.02, h=1e-3, seed=2))
    assert calls == [("random_local_search", (), {"iterations": 9, "tweak": 0.02, "seed": 2}),
                     ("numerical_gradient", (1e-3,), {})]
    counted = sum(r.forward_passes for r in results.values())
    spent = circuit.forward_passes - forwards
    # Besides the table's passes: the start, the restores, the two steps' outputs, the reset.
    assert spent == counted + 8 and circuit.backward_passes - backwards == 1
