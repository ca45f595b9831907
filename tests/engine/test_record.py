"""explorer.record: the plain value classes of the start-up path behave as the
dataclasses they replaced (repr, equality, hashing, frozen fields, replace)."""

from __future__ import annotations

import pytest

from explorer.record import Frozen, Record, setfield


class Point(Record):
    __slots__ = ("note", "x", "y")
    _fields = ("x", "y")
    _extra = ("note",)

    def __init__(self, x: int, y: int = 0, *, note: str = "") -> None:
        self.x = x
        self.y = y
        self.note = note


class Key(Frozen):
    __slots__ = ("name", "parts")
    _fields = ("name", "parts")

    def __init__(self, name: str, parts: tuple[str, ...] = ()) -> None:
        setfield(self, "name", name)
        setfield(self, "parts", parts)


def test_repr_names_the_fields_like_a_dataclass():
    assert repr(Point(1, 2, note="n")) == "Point(x=1, y=2)"
    assert repr(Key("a", ("b",))) == "Key(name='a', parts=('b',))"


def test_equality_is_field_by_field_and_only_within_the_class():
    assert Point(1, 2) == Point(1, 2, note="other")  # note is no part of equality
    assert Point(1, 2) != Point(1, 3)
    assert Key("a") != Point(1)
    assert (Point(1) == (1, 0)) is False


def test_a_record_is_unhashable_and_a_frozen_one_hashes_by_its_fields():
    with pytest.raises(TypeError):
        hash(Point(1))
    assert hash(Key("a", ("b",))) == hash(Key("a", ("b",)))
    assert len({Key("a"), Key("a"), Key("b")}) == 2


def test_frozen_fields_cannot_be_assigned_or_deleted():
    key = Key("a")
    with pytest.raises(AttributeError, match="cannot assign to field 'name'"):
        key.name = "b"
    with pytest.raises(AttributeError, match="cannot delete"):
        del key.name
    assert key.name == "a"


def test_replace_builds_a_new_object_through_init_and_keeps_the_extra_fields():
    point = Point(1, 2, note="kept")
    moved = point.replace(y=5)
    assert (moved.x, moved.y, moved.note) == (1, 5, "kept")
    assert (point.x, point.y) == (1, 2)
    assert Key("a").replace(parts=("c",)) == Key("a", ("c",))
    with pytest.raises(TypeError, match="no field 'z'"):
        point.replace(z=1)


def test_copies_and_pickles_of_a_frozen_record_are_equal_and_still_frozen():
    import copy
    import pickle

    key = Key("a", ("b",))
    for other in (copy.copy(key), copy.deepcopy(key), pickle.loads(pickle.dumps(key))):
        assert other == key and other is not key
        with pytest.raises(AttributeError):
            other.name = "c"
    point = Point(1, 2, note="n")
    assert copy.deepcopy(point) == point and pickle.loads(pickle.dumps(point)).note == "n"
