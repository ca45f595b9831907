"""errors.py's docstring is the whole exception tree: every exception class defined
anywhere in the package is named there, with the module it lives in."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import explorer
from explorer import errors


def _exception_classes():
    for info in pkgutil.walk_packages(explorer.__path__, "explorer."):
        if info.name.rpartition(".")[2] == "__main__":
            continue  # running it is its import
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (inspect.isclass(value) and issubclass(value, BaseException)
                    and value.__module__ == module.__name__):
                yield module.__name__, name, value


def test_every_exception_class_is_in_the_tree():
    doc = errors.__doc__
    found = list(_exception_classes())
    assert len(found) > 20  # the walk found the package's modules
    for module, name, cls in found:
        line = re.search(rf"^\s*(?:[│├└─ ]*){re.escape(name)}\b.*$", doc, re.MULTILINE)
        assert line is not None, f"{module}.{name} is not in errors.py's tree"
        if module != "explorer.errors":
            where = module.removeprefix("explorer.")
            package = where.rpartition(".")[0]  # registry for registry.registry
            said = "|".join(re.escape(w) for w in (where, package) if w)
            assert re.search(rf"[(; ]({said})\)", line.group(0)), \
                f"{name}: the tree does not say it is in {where}"
        for base in cls.__bases__:  # a base of the package's own is named beside it
            if base.__module__.startswith("explorer") and base.__name__ != "ExplorerError":
                assert base.__name__ in doc
