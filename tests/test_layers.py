"""Check that the autograder's modules import one way: no cycle, no import hidden in a function, layers in order."""
import ast

from autograder.notebooks import REPO

PACKAGE = REPO / "autograder"
# Grading's stages, lowest first: a module may import only modules of its own or lower stages.
STAGES = [{"assignments", "deadlines", "local_servers", "plaindata", "results", "notebooks", "sandbox_runner",
           "zygote"},
          {"reference", "probes", "mistakes", "replay", "sandbox", "feedback", "submission", "translations"},
          {"running", "judging"}, {"recording", "cluster"}, {"grader"},
          {"pipeline", "samples", "nbgrader_autograde", "lms", "trial_class"},
          {"deploy"}, {"__main__"}]


def module_name(path):
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts) or "__init__"


def imports():
    """Map module (dotted, inside autograder) -> [(imported module's top name, at module level?)]."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text())
        top = {id(n) for n in tree.body}
        edges = []
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split(".") if package else []
                base = base[:len(base) - node.level + 1] if node.level > 1 else base
                target = ".".join(base + ([node.module] if node.module else []))
                targets = [target] if node.module else [".".join(base + [a.name]) for a in node.names]
                edges += [(t, id(node) in top) for t in targets]
        found[name] = edges
    return found


def top_level(name):
    return name.split(".")[0] if name else "__init__"


def test_no_module_imports_the_package_inside_a_function():
    """Check that every import of the package's own modules is at module level (none dodges a cycle)."""
    hidden = {m: [t for t, at_top in edges if not at_top] for m, edges in imports().items()}
    hidden = {m: t for m, t in hidden.items() if t and m != "sandbox_runner"}  # it also runs alone, in the sandbox
    assert not hidden, hidden


def test_the_imports_have_no_cycle_and_go_down_the_stages():
    """Check that the import graph of the package's top-level modules is acyclic and follows STAGES."""
    stage = {m: i for i, group in enumerate(STAGES) for m in group}
    graph = {}
    for module, edges in imports().items():
        src = top_level(module)
        graph.setdefault(src, set()).update(top_level(t) for t, _ in edges if top_level(t) != src)
    assert set(graph) - {"__init__"} <= set(stage), f"modules missing from STAGES: {set(graph) - set(stage)}"
    upward = [(m, t) for m, ts in graph.items() for t in ts if m in stage and stage[t] > stage[m]]
    assert not upward, f"imports of a higher stage: {upward}"
    done, path = set(), []

    def visit(node):
        assert node not in path, f"import cycle: {' -> '.join(path + [node])}"
        if node in done:
            return
        path.append(node)
        for nxt in graph.get(node, ()):
            visit(nxt)
        path.pop()
        done.add(node)
    for node in graph:
        visit(node)
