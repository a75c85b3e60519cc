"""The grader's probes: the reference passes every one, and outputs cross the sandbox's wall as plain data."""
import numpy as np
import pytest

from autograder import plaindata, probes, reference
from autograder.notebooks import REPO, notebook_path, read_notebook, solution_code
from conftest import ASSIGNMENTS


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_the_reference_passes_every_probe_and_every_function_is_probed(aid):
    """Check that judge() accepts the reference's outputs and that each graded function has probes."""
    found = probes.probes(aid)
    for p in found:
        assert probes.judge(p, probes.call(vars(reference), p), probes.expected(p)) is None, (p.function, p.label)
    functions = set(solution_code(read_notebook(notebook_path(REPO, "source", aid))))
    assert {p.function for p in found} == functions


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_a_zero_or_negated_output_fails_with_a_message_that_shows_no_values(aid):
    """Check that a wrong output is caught and the message names no expected number."""
    for p in probes.probes(aid):
        want = probes.expected(p)
        if p.check != "close" or probes.returns_cache(p.function) or "params" in p.label or p.function == "train_xor_mlp":
            continue  # outputs with a cache or a dict of parameters are covered by the mistakes' tests
        wrong = tuple(-np.asarray(w, dtype=float) - 1 for w in want) if isinstance(want, tuple) else -np.asarray(want, dtype=float) - 1
        message = probes.judge(p, wrong, want)
        assert message, (p.function, p.label)
        leaves = want if isinstance(want, tuple) else (want,)
        for leaf in leaves:
            for value in np.ravel(leaf)[:5]:
                assert f"{float(value):.4f}" not in message


def test_plain_data_round_trip_refuses_objects_and_pickles(tmp_path):
    """Check that arrays, tuples and dicts survive, objects become markers, and pickled arrays are refused."""
    value = ({"W": np.arange(6.0).reshape(2, 3), "n": 3}, [1.5, None, float("nan")], np.int64(4), object())
    plaindata.save(tmp_path / "v", value)
    back = plaindata.load(tmp_path / "v")
    assert np.array_equal(back[0]["W"], value[0]["W"]) and back[0]["n"] == 3 and back[2] == 4
    assert back[1][0] == 1.5 and back[1][1] is None and np.isnan(back[1][2])
    assert isinstance(back[3], plaindata.Unsupported)
    np.savez(tmp_path / "p.npz", a0=np.array([object()], dtype=object))
    (tmp_path / "p.json").write_text('{"__array__": "a0"}')
    with pytest.raises(ValueError):
        plaindata.load(tmp_path / "p")
