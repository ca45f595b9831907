"""The shell's keys (:mod:`explorer.repl.keys`): prompt_toolkit's default bindings
without its vi mode, and nothing else missing; the prompt made without them.  What the
keys do at a real terminal (Enter, Alt-Enter, Ctrl-R, Tab) is test_e2e*'s."""

from __future__ import annotations

import pytest
from prompt_toolkit import PromptSession
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.key_binding.bindings.vi import load_vi_bindings, load_vi_search_bindings
from prompt_toolkit.key_binding.defaults import load_key_bindings
from prompt_toolkit.output import DummyOutput

from explorer.repl import keys


def _named(bindings):
    """What tells two bindings apart across loads: the keys and the handler."""
    return sorted(
        (tuple(str(k) for k in b.keys), b.handler.__module__, b.handler.__qualname__)
        for b in bindings.bindings
    )


def test_default_bindings_are_prompt_toolkits_without_vi_mode():
    full = _named(load_key_bindings())
    vi = _named(load_vi_bindings()) + _named(load_vi_search_bindings())
    ours = _named(keys.default_bindings())
    rest = list(full)
    for binding in vi:
        rest.remove(binding)
    assert ours == rest  # every emacs, basic, mouse and cursor-position binding is there
    assert not any(".vi" in module for _, module, _ in ours)
    assert len(ours) < len(full) / 2


def _vi_bindings_of(session):
    defaults = session.app._default_bindings.bindings
    return [b for b in defaults if ".bindings.vi" in b.handler.__module__]


def test_a_prompt_made_without_vi_mode_has_none_and_later_ones_are_as_before():
    with create_pipe_input() as pipe:
        with keys.without_vi_mode():
            ours = PromptSession(input=pipe, output=DummyOutput())
        other = PromptSession(input=pipe, output=DummyOutput())
    assert not _vi_bindings_of(ours)
    assert _vi_bindings_of(other)  # the library's name is given back


def test_without_vi_mode_gives_the_name_back_when_the_prompt_fails():
    from prompt_toolkit.application import application

    before = application.load_key_bindings
    with pytest.raises(RuntimeError), keys.without_vi_mode():
        raise RuntimeError("the prompt could not be made")
    assert application.load_key_bindings is before


def test_a_prompt_without_vi_mode_edits_in_emacs_mode():
    """Ctrl-A, Ctrl-K, Alt-B and Ctrl-E are emacs bindings: the line is edited by them."""
    with create_pipe_input() as pipe:
        with keys.without_vi_mode():
            session = PromptSession(
                input=pipe, output=DummyOutput(), key_bindings=keys.shell_bindings()
            )
        pipe.send_text("get /b\x01\x0b list\x1bb\x05 /a\r")  # ^A ^K, Alt-B, ^E
        assert session.prompt("> ") == " list /a"
