"""explorer.lazy: a package's names load on first use, and one small module of a package
never loads the rest (measured by scripts/bench's import figure; checked here)."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return set(done.stdout.split())


def test_the_argument_check_loads_no_renderer():
    loaded = _loaded_after("import explorer.render.text")
    assert "explorer.render" in loaded
    assert not {"explorer.render.response", "explorer.render.env", "explorer.render.error",
                "explorer.render.status"} & loaded


def test_the_separators_load_no_request_building():
    loaded = _loaded_after("import explorer.items.syntax")
    assert not {"explorer.items.request", "explorer.items.files", "explorer.client.models",
                "explorer.routing"} & loaded


@pytest.mark.parametrize(("package", "name", "module"), [
    ("explorer.render", "render_response", "explorer.render.response"),
    ("explorer.client", "RequestSpec", "explorer.client.models"),
    ("explorer.discovery", "DiscoveryCache", "explorer.discovery.cache"),
    ("explorer.items", "parse_items", "explorer.items.request"),
])
def test_a_name_is_imported_on_first_use_and_kept(package, name, module):
    import importlib

    found = getattr(importlib.import_module(package), name)
    assert found is getattr(importlib.import_module(module), name)
    assert vars(importlib.import_module(package))[name] is found  # kept


def test_an_unknown_name_is_an_attribute_error():
    import explorer.render

    with pytest.raises(AttributeError, match="'explorer.render' has no attribute 'nope'"):
        explorer.render.nope  # noqa: B018
