"""citypair/_native.pyi describes the compiled module: the same names, the same parameters
in the same order with the same defaults, the same attributes of SolveResult."""

import ast
import inspect
from pathlib import Path

import citypair
from citypair import _native

STUB = Path(citypair.__file__).with_name("_native.pyi")


def stub_tree():
    return ast.parse(STUB.read_text(encoding="utf-8"))


def stub_functions(body):
    return {n.name: n for n in body if isinstance(n, ast.FunctionDef)}


def public_module_names():
    """The names the compiled module defines (not those every module has)."""
    return {n for n in dir(_native) if not (n.startswith("__") and n != "__version__")}


def test_the_stub_is_installed_with_the_package():
    assert STUB.is_file()
    assert Path(citypair.__file__).with_name("py.typed").is_file()


def test_the_stub_names_exactly_what_the_module_has():
    tree = stub_tree()
    names = set(stub_functions(tree.body))
    names |= {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    names |= {
        n.target.id
        for n in tree.body
        if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name) and not n.target.id.startswith("_")
    }
    names.add("__version__")
    assert names == public_module_names()


def test_every_function_has_the_stub_s_parameters_and_defaults():
    for name, node in stub_functions(stub_tree().body).items():
        runtime = inspect.signature(getattr(_native, name))
        params = [a.arg for a in node.args.args]
        assert params == list(runtime.parameters), name
        defaults = [ast.literal_eval(d) for d in node.args.defaults]
        runtime_defaults = [
            p.default for p in runtime.parameters.values() if p.default is not inspect.Parameter.empty
        ]
        assert defaults == runtime_defaults, name


def test_solve_result_has_the_stub_s_attributes():
    cls = next(n for n in stub_tree().body if isinstance(n, ast.ClassDef) and n.name == "SolveResult")
    stubbed = {n.name for n in cls.body if isinstance(n, ast.FunctionDef)}
    runtime = {n for n in dir(_native.SolveResult) if not n.startswith("_")}
    assert stubbed == runtime
    result = citypair.solve([[1.0, 2.0], [3.0, 1.0]])
    for name in stubbed - {"verify"}:
        getattr(result, name)
    assert result.verify() is None


def test_input_error_is_a_value_error():
    assert issubclass(_native.InputError, ValueError)
