"""The grader's probes: the reference passes every one, and outputs cross the sandbox's wall as plain data."""
import shutil
from types import SimpleNamespace

import numpy as np
import pytest

from autograder import judging, plaindata, probes, reference
from autograder.mistakes import catalogue
from autograder.notebooks import REPO, notebook_path, read_notebook, solution_code
from autograder.pipeline import copy_course
from autograder.replay import replay
from autograder.sandbox_runner import call_probe
from conftest import ASSIGNMENTS
from helpers import leaves


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_the_reference_passes_every_probe(aid):
    """Check that judge() accepts the reference's outputs on every probe (tests/test_assignments: all are probed)."""
    for p in probes.probes(aid):
        assert probes.judge(p, probes.call(vars(reference), p), probes.expected(p)) is None, (p.function, p.label)


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_a_zero_or_negated_output_fails_with_a_message_that_shows_no_values(aid):
    """Check that a wrong output is caught and the message names no expected number."""
    for p in probes.probes(aid):
        want = probes.expected(p)
        if (p.check != "close" or probes.returns_cache(p.function) or "params" in p.label
                or p.function == "train_xor_mlp"):
            continue  # outputs with a cache or a dict of parameters are covered by the mistakes' tests
        message = probes.judge(p, _negated(want), want)
        assert message, (p.function, p.label)
        for leaf in leaves(want):
            for value in np.ravel(leaf)[:5]:
                assert f"{float(value):.4f}" not in message


def _negated(want):
    """-want - 1 in every array and number of want, its tuples and dicts (a loss and its grads) kept as such."""
    if isinstance(want, tuple):
        return tuple(_negated(w) for w in want)
    if isinstance(want, dict):
        return {k: _negated(w) for k, w in want.items()}
    return -np.asarray(want, dtype=float) - 1


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


def _probe_arrays(p):
    found = leaves(p.args) + leaves(p.forward[1] if p.forward else ())
    return [a for a in found if isinstance(a, np.ndarray)]


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_every_function_is_probed_with_views_that_are_not_contiguous(aid):
    """Check that each graded function gets a transposed or step-sliced array on some probe."""
    found = probes.probes(aid)
    for function in {p.function for p in found}:
        views = [a for p in found if p.function == function for a in _probe_arrays(p) if not a.flags.c_contiguous]
        assert views, f"no probe of {function} passes an array that is not contiguous"


def test_pooling_and_convolution_are_probed_where_no_window_reaches_the_last_rows():
    """Check that some probes leave rows or columns of x that no window covers (H - HH not a multiple of stride)."""
    for aid, functions in (("04_pooling_backprop", ("avg_pool_forward", "max_pool_backward")),
                           ("05_conv_backprop", ("conv_forward_naive", "conv_backward_flip")),
                           ("06_train_a_cnn", ("conv_forward_fast", "conv_backward_fast", "max_pool_backward"))):
        if aid not in ASSIGNMENTS:
            continue
        for function in functions:
            uncovered = []
            for p in probes.probes(aid):
                if p.function != function or p.scaling:
                    continue
                args = p.args if not p.forward else p.forward[1]
                x, param = args[0], args[-1]
                if "pool_height" in param:
                    size, step = (param["pool_height"], param["pool_width"]), param["stride"]
                else:
                    size, step = p.forward[1][1].shape[2:] if p.forward else p.args[1].shape[2:], param["stride"]
                pad = param.get("pad", 0)
                uncovered += [(n + 2 * pad - k) % step for n, k in zip(x.shape[2:], size)]
            assert any(uncovered), function


def test_views_keep_their_layout_across_the_wall_and_in_copies(tmp_path):
    """Check that transposed and step-sliced arrays arrive as such, and that same() sees a change in place."""
    a = np.arange(12.0).reshape(3, 4)
    value = (a.T, a[:, ::2], a)
    plaindata.save(tmp_path / "v", value)
    back = plaindata.load(tmp_path / "v")
    for sent, got in zip(value, back):
        assert np.array_equal(sent, got)
        assert got.flags.c_contiguous == sent.flags.c_contiguous and got.flags.f_contiguous == sent.flags.f_contiguous
    copy = plaindata.fresh(value)
    assert all(c is not v and not np.shares_memory(c, v) for c, v in zip(copy, value))
    assert not copy[1].flags.c_contiguous and not copy[1].flags.f_contiguous
    assert plaindata.same(copy, value)
    value[1][0, 0] = -1.0
    assert not plaindata.same(copy, value)


def _solutions(aid, **replaced):
    code = {**solution_code(read_notebook(notebook_path(REPO, "source", aid))), **replaced}
    namespace = {}
    exec("import numpy as np\n" + "\n".join(code.values()), namespace)
    return namespace


STRUCTURAL = [(aid, name) for aid, name in [
    ("05_conv_backprop", None), ("05_conv_backprop", "conv_backward_flip-calls-the-naive-loops"),
    ("05_conv_backprop", "conv_backward_flip-corr2d-per-channel"), ("06_train_a_cnn", None),
    ("06_train_a_cnn", "conv_forward_fast-im2col-by-output-positions"),
    ("06_train_a_cnn", "conv_backward_fast-col2im-by-output-positions")] if aid in ASSIGNMENTS]


@pytest.mark.parametrize("aid, name", STRUCTURAL)
def test_the_no_loop_rules_are_judged_by_counting_python_lines(aid, name):
    """Check that the reference and the source keep every structure probe, and that a loop over output positions
    (or images, channels, filters) fails its own function's probe, and only that one."""
    code = solution_code(read_notebook(notebook_path(REPO, "source", aid)))
    mistake = {m.id: m for m in catalogue(aid)}.get(name)
    namespace = _solutions(aid, **({mistake.function: mistake.code(code)} if mistake else {}))
    for probe in [p for p in probes.probes(aid) if p.scaling]:
        got = call_probe(namespace, probes.plain(probe), list(code))
        assert got["error"] is None and not (got["forward"] or {}).get("error"), got
        verdict = probes.judge(probe, got["value"], None)
        broken = mistake is not None and probe.function == mistake.function
        assert (verdict is not None) == broken, (name, probe.function, got["value"], verdict)
        if broken:
            assert mistake.says in verdict, verdict
        ref = call_probe(vars(reference), probes.plain(probe))
        assert ref["error"] is None and probes.judge(probe, ref["value"], None) is None, ref["value"]


def test_a_probe_that_removes_the_line_counter_is_caught():
    """Check that a function which turns the trace function off while counted gets an error, not a low count."""
    aid = "05_conv_backprop"
    (probe,) = [p for p in probes.probes(aid) if p.scaling]
    cheat = ("def conv_backward_flip(dout, cache):\n    import sys\n    sys.settrace(None)\n"
             "    return conv_backward_naive(dout, cache)\n")
    got = call_probe(_solutions(aid, conv_backward_flip=cheat), probes.plain(probe))
    assert got["error"] and "trace function" in got["error"]


def test_a_composite_that_lets_its_gate_s_error_through_is_right_given_its_calls(tmp_path):
    """Check that replay answers a logged call that raised by raising alike, so a right caller is not blamed."""
    solutions = ("def gate(x):\n    return x @ x\n\n\ndef composite(x):\n    return gate(x) + 1\n\n\n"
                 "def stub(x):\n    raise NotImplementedError\n")
    raised = [("gate", (np.ones((2, 3)),), {}, plaindata.Raised("ValueError: matmul: mismatch"))]
    probe = {"function": "composite", "args": [np.ones((2, 3))], "forward": None}
    value, error = replay(solutions, ["gate", "composite"], probe, raised)
    assert value is None and error.startswith("ValueError: matmul: mismatch")
    assert replay(solutions, ["gate", "composite"], probe, []) is None  # a call the student's never made
    plaindata.save(tmp_path / "log", raised)  # as the log crosses the sandbox's wall
    back = plaindata.load(tmp_path / "log")[0][3]
    assert isinstance(back, plaindata.Raised) and back.error == "ValueError: matmul: mismatch"


CALLED_WRONG = ("sgd_momentum-velocity-not-carried", "cnn_loss-unflatten-in-another-order",
                "softmax_loss-dscores-without-1-over-n")


@pytest.mark.parametrize("aid, wrong", [(a, w) for a in ASSIGNMENTS if a == "06_train_a_cnn" for w in CALLED_WRONG])
def test_a_right_train_cnn_never_pays_for_a_wrong_function_it_calls(aid, wrong):
    """Check every train_cnn probe with the source's train_cnn on a wrong function: each passes, passes given the
    calls it made (the steps replayed), or is not judged (a whole training run); none counts against it."""
    code = solution_code(read_notebook(notebook_path(REPO, "source", aid)))
    mistake = {m.id: m for m in catalogue(aid)}[wrong]
    namespace = _solutions(aid, **{mistake.function: mistake.code(code)})
    kit = SimpleNamespace(solutions="\n".join(code.values()), functions=list(code))
    verdicts = []
    for probe in [p for p in probes.probes(aid) if p.function == "train_cnn"]:
        got = call_probe(namespace, probes.plain(probe), list(code))
        problem = got["error"] or probes.judge(probe, got["value"], probes.expected(probe))
        if problem:
            problem, blame = judging._given_its_calls(kit, probe, got, [mistake.function])
            assert problem is None or blame, (probe.label, problem)
        verdicts.append(problem)
    assert any(v is None for v in verdicts)


@pytest.mark.parametrize("aid", [a for a in ASSIGNMENTS if a == "06_train_a_cnn"])
def test_only_training_runs_ask_for_time_beyond_the_function_budget(aid, tmp_path):
    """Check that the kit gives train_cnn its training runs' seconds on top of the function budget, and no other."""
    root = copy_course(tmp_path / "course")
    shutil.copytree(root / "source" / aid, root / "release" / aid)  # prepare reads a release; any will do here
    kit = judging.prepare(aid, root, tmp_path / "work")
    runs = [p for p in kit.probes if p.seconds]
    assert runs and {p.function for p in runs} == {"train_cnn"} and all(p.check == "accuracy" for p in runs)
    assert kit.extra_seconds == {"train_cnn": sum(p.seconds for p in runs)}
    assert set(kit.course_files) == {"digits.npz"} and kit.course_files["digits.npz"].read_bytes() == (
        REPO / "source" / aid / "digits.npz").read_bytes()
