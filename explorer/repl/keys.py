"""The shell's keys: its own bindings (Enter, Alt-Enter), prompt_toolkit's defaults
without its vi mode, and the lookups made ahead of the first keystroke.

* Enter runs the line when it is complete (:func:`explorer.repl.line.is_complete`),
  else adds a line; with a completion selected in the menu, it takes the completion.
  Ctrl-J too: a line typed ahead while a request runs reaches the prompt through the
  terminal's cooked mode, which turns its Enter into a line feed.  Alt-Enter always
  adds a line.
* The shell edits in emacs mode and has no vi mode, so prompt_toolkit's 331 vi
  bindings (of its 582 defaults) are never built (:func:`without_vi_mode`): building
  them is about 4 ms of every start, and the first press of each key goes through every
  binding there is to find its own.
* Once set-up is done, the bindings of Tab, Shift-Tab, the arrows and Enter are looked
  up in the event loop (:func:`warm`), so the first Tab of a session costs what every
  later one does.
"""

from __future__ import annotations

from contextlib import contextmanager

from explorer.repl.line import is_complete

#: the keys whose bindings are looked up ahead, by their names in prompt_toolkit's
#: ``Keys`` (whose members, not their strings, are the keys of its lookup cache)
WARM_KEYS = (
    "ControlI", "BackTab", "Down", "Up", "Right", "Left", "ControlM", "ControlJ",
    "ControlH", "Escape", "ControlSpace", "ControlC", "ControlD", "ControlU", "ControlW",
    "Delete", "Home", "End",
)


def shell_bindings():
    """The shell's own bindings, added to the prompt's."""
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    @bindings.add("enter")
    @bindings.add("c-j")
    def _enter(event) -> None:
        buffer = event.current_buffer
        state = buffer.complete_state
        if state is not None and state.current_completion is not None:
            buffer.apply_completion(state.current_completion)
            return
        if is_complete(buffer.text):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    @bindings.add("escape", "enter")
    def _newline(event) -> None:
        event.current_buffer.insert_text("\n")

    return bindings


def default_bindings():
    """prompt_toolkit's ``load_key_bindings()`` without its vi mode's bindings: the
    basic and emacs ones where a buffer has the focus, mouse and cursor-position
    answers everywhere (as there)."""
    from prompt_toolkit.filters import buffer_has_focus
    from prompt_toolkit.key_binding.bindings.basic import load_basic_bindings
    from prompt_toolkit.key_binding.bindings.cpr import load_cpr_bindings
    from prompt_toolkit.key_binding.bindings.emacs import (
        load_emacs_bindings,
        load_emacs_search_bindings,
        load_emacs_shift_selection_bindings,
    )
    from prompt_toolkit.key_binding.bindings.mouse import load_mouse_bindings
    from prompt_toolkit.key_binding.key_bindings import (
        ConditionalKeyBindings,
        merge_key_bindings,
    )

    editing = merge_key_bindings(
        [
            load_basic_bindings(),
            load_emacs_bindings(),
            load_emacs_search_bindings(),
            load_emacs_shift_selection_bindings(),
        ]
    )
    return merge_key_bindings(
        [
            ConditionalKeyBindings(editing, buffer_has_focus),
            load_mouse_bindings(),
            load_cpr_bindings(),
        ]
    )


@contextmanager
def without_vi_mode():
    """While this lasts, a prompt_toolkit ``Application`` made (a ``PromptSession``'s)
    gets :func:`default_bindings` as its defaults.  Its constructor calls
    ``load_key_bindings`` by the name its module imported, and has no parameter for
    it; where that name is not there (another prompt_toolkit), nothing changes."""
    from prompt_toolkit.application import application as module

    original = getattr(module, "load_key_bindings", None)
    if original is None:
        yield
        return
    module.load_key_bindings = default_bindings
    try:
        yield
    finally:
        module.load_key_bindings = original


def warm(app, done=None) -> None:
    """Look up the bindings of :data:`WARM_KEYS` in ``app``'s event loop, a key per turn
    of it (a key pressed meanwhile is handled first), then call ``done`` there.  Only a
    cache is filled: whatever goes wrong here is left to the first keystroke to find
    again (and ``done`` is called all the same)."""
    loop = app.loop
    if loop is None or loop.is_closed():
        return
    from prompt_toolkit.keys import Keys

    # (the key processor's own registry, whose lookups it caches: no public name)
    bindings = getattr(app.key_processor, "_bindings", None)
    if bindings is None:
        return
    keys = [getattr(Keys, name) for name in WARM_KEYS if hasattr(Keys, name)]

    def look_up(index: int) -> None:
        if app.is_running:
            try:
                bindings.get_bindings_for_keys((keys[index],))
                bindings.get_bindings_starting_with_keys((keys[index],))
            except Exception:
                pass  # (stops here)
            else:
                if index + 1 < len(keys):
                    loop.call_soon(look_up, index + 1)
                    return
        if done is not None:
            done()

    loop.call_soon_threadsafe(look_up, 0)
