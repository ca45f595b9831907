"""Plain value classes for the modules every command imports.

``@dataclass`` writes each class's ``__init__``, ``__repr__`` and ``__eq__`` (and, frozen,
``__setattr__``, ``__delattr__`` and ``__hash__``) as source and compiles it when the
module is imported: 0.3 ms for a small class here and 0.6 ms for a frozen one, and
``import dataclasses`` brings ``inspect``, ``ast`` and ``dis`` (5 ms).  Thirty such
classes on the path of a one-shot call cost it 15-20 ms of a 150 ms run (issue 15,
docs/benchmarks.md).  The classes of that path are plain classes instead: each writes
its own ``__init__`` (so its signature is in the source, compiled once into the .pyc),
and takes the rest from one of these bases, which work from the class's ``_fields``:

* :class:`Record`: ``repr`` as a dataclass's, equality field by field with an object of
  the same class, and :meth:`Record.replace` (``dataclasses.replace``: a new object
  built by the class's own ``__init__``);
* :class:`Frozen`: a record whose fields are set once, in ``__init__`` (through
  :func:`setfield`), hashable by its fields.

Modules off that path (the sandbox, sessions, the shell) keep ``@dataclass``.
"""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from typing import Self  # a TypeVar made here would cost 1 ms at import (ForwardRef)

#: how a frozen record's ``__init__`` sets a field (its own ``__setattr__`` refuses)
setfield = object.__setattr__


class Record:
    """A value class whose ``_fields`` name its state: shown by ``repr``, compared by
    ``==``, and (all of them) the keyword arguments of its ``__init__``.  Fields that
    take no part in equality and ``repr`` are left out of ``_fields`` and listed in
    ``_extra`` when :meth:`replace` must carry them over."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    _extra: ClassVar[tuple[str, ...]] = ()
    #: the fields' values as a tuple, read at C speed (set for each class)
    _get: ClassVar[Any] = staticmethod(lambda record: ())

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if len(cls._fields) == 1:
            one = attrgetter(cls._fields[0])
            cls._get = staticmethod(lambda record: (one(record),))
        elif cls._fields:
            cls._get = staticmethod(attrgetter(*cls._fields))

    def _values(self) -> tuple[Any, ...]:
        return self._get(self)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        get = self._get
        return get(self) == get(other)

    __hash__ = None  # type: ignore[assignment]  # mutable: like an unfrozen dataclass

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` (field names) made, built by ``__init__``."""
        for name in changes:
            if name not in self._fields and name not in self._extra:
                raise TypeError(f"{type(self).__name__} has no field {name!r}")
        values = {name: getattr(self, name) for name in self._fields + self._extra}
        return type(self)(**(values | changes))


class Frozen(Record):
    """A record whose fields are never assigned after ``__init__``."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of {type(self).__name__}")

    def __hash__(self) -> int:
        return hash(self._get(self))

    # copy, deepcopy and pickle set a slotted object's state with setattr, which a
    # frozen record refuses: they go through these instead
    def __getstate__(self) -> dict[str, Any]:
        names = [n for c in type(self).__mro__ for n in getattr(c, "__slots__", ())]
        return {name: getattr(self, name) for name in names if hasattr(self, name)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setfield(self, name, value)
