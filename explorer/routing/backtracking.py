r"""Which route regexes would make Python's backtracking ``re`` take too long.

A server's Express 4 routes may carry their own regex (``/:id(\d+)``), and Python's
``re`` backtracks like JavaScript's.  Two shapes make matching a path that almost
fits take far longer than its length:

* a repeat inside a repeat (``(a+)+b``): exponential in the length of the path
  (:func:`nested_repeat`);
* repeats in a row over the same characters (``.*.*.*x``, ``\d*\d*x``, ``.*-.*x``):
  the engine tries every way of sharing the path between them, so ``k`` such repeats
  cost the path's length to the power ``k`` (:func:`repeats_in_a_row`).

Both look at the parsed regex (``re._parser``), never at a path, and only routes with
their own regex are checked: path-to-regexp never generates either shape itself.

    .*.*.*.*.*x        repeats in a row over the same characters
    \d+-\d+            separated: ``-`` is not a digit, so each repeat has one end
    [^/]+/.*           separated: the first repeat cannot cross the ``/``
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: characters that stand for every class a route regex can name: ASCII, a few
#: non-ASCII letters and spaces, and the line ends a JavaScript ``.`` excludes
ALPHABET = frozenset(
    [chr(c) for c in range(128)] + ["\u00a0", "\u00e9", "\u00ff", "\u0100", "\u2028", "\uffff"]
)
_CATEGORY_CLASSES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
    "CATEGORY_LINEBREAK": r"\n",
    "CATEGORY_NOT_LINEBREAK": r"[^\n]",
}


def nested_repeat(source: str, flags: int) -> bool:
    """Whether an unbounded repeat sits inside another (``(a+)+``, ``(\\d*x)*``)."""
    tree = _parse(source, flags)
    if tree is None:
        return False
    sre, _ = _parser()

    def walk(items, inside: bool) -> bool:
        for op, av in items:
            if op in _repeat_ops(sre):
                unbounded = _unbounded(av)
                if (unbounded and inside) or walk(av[2], inside or unbounded):
                    return True
                continue
            if any(walk(child, inside) for child in _children(sre, op, av)):
                return True
        return False

    return walk(tree, False)


def repeats_in_a_row(source: str, flags: int) -> bool:
    """Whether two unbounded repeats over common characters follow each other with
    nothing between them that either one cannot match (``.*.*``, ``\\d+\\d*``,
    ``.*-.*``), anywhere in the regex."""
    tree = _parse(source, flags)
    if tree is None:
        return False
    sre, _ = _parser()
    return _Checker(sre, ignore_case=bool(flags & re.IGNORECASE)).sequence(tree)


# -- the shared pieces ------------------------------------------------------------------


def _parser():
    try:
        from re import _parser as sre
        from re._constants import MAXREPEAT
    except ImportError:  # another Python: the checks are skipped, matching still works
        return None, None
    return sre, MAXREPEAT


def _parse(source: str, flags: int):
    sre, _ = _parser()
    if sre is None:
        return None
    try:
        return sre.parse(source, flags)
    except Exception:  # the regex compiled already; a parser quirk must not reject it
        return None


def _repeat_ops(sre) -> set:
    return {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)}


def _unbounded(av) -> bool:
    _, maxrepeat = _parser()
    return av[1] == maxrepeat


def _children(sre, op, av) -> list:
    """The sub-sequences of a non-repeat item."""
    if op is sre.SUBPATTERN:
        return [av[-1]]
    if op is sre.BRANCH:
        return list(av[1])
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return [av]
    if op is sre.GROUPREF_EXISTS:
        return [branch for branch in av[1:] if branch is not None]
    return []


@dataclass(frozen=True)
class _Unit:
    """One step of a flattened sequence: what it can consume, and whether it is an
    unbounded repeat or can match nothing at all."""

    chars: frozenset[str]
    repeat: bool = False
    nullable: bool = False
    #: the optional groups (``(?:...)?``) it lies in: skipped along with any of them
    groups: frozenset[int] = frozenset()
    #: the one character it must match, when it is a plain literal
    literal: str | None = None
    #: texts a repeat's negative lookahead keeps it from consuming at any step
    #: (path-to-regexp's own guard ``(?:(?!/|abc).)+?`` never crosses ``abc``)
    forbids: frozenset[str] = frozenset()


class _Checker:
    def __init__(self, sre, *, ignore_case: bool) -> None:
        self.sre = sre
        self.ignore_case = ignore_case
        self.groups_made = 0

    def sequence(self, items) -> bool:
        """True when ``items`` (or any sequence inside them) has repeats in a row."""
        units: list[_Unit] = []
        if self._flatten(items, units, frozenset()):
            return True
        return _in_a_row(units, ignore_case=self.ignore_case)

    def _flatten(self, items, units: list[_Unit], groups: frozenset[int]) -> bool:
        """Append the units of ``items`` (inside the optional ``groups``) to ``units``;
        True when a sequence inside an alternative or a lookaround already has repeats
        in a row."""
        sre = self.sre
        for op, av in items:
            if op in _repeat_ops(sre):
                low, high, body = av
                if _unbounded(av):
                    if self.sequence(body):
                        return True
                    nullable = low == 0 or self.nullable(body)
                    units.append(
                        _Unit(self.chars(body), True, nullable, groups,
                              forbids=self._forbidden(body))
                    )
                elif self._has_repeat(body):
                    # (?:a.*){3} is a.*a.*a.*: two copies show whether it repeats in a row
                    for copy in range(min(high, 2)):
                        inside = groups | {self._new_group()} if copy >= low else groups
                        if self._flatten(body, units, inside):
                            return True
                else:
                    nullable = low == 0 or self.nullable(body)
                    units.append(_Unit(self.chars(body), False, nullable, groups))
            elif op is sre.SUBPATTERN or op is getattr(sre, "ATOMIC_GROUP", None):
                if self._flatten(av[-1] if op is sre.SUBPATTERN else av, units, groups):
                    return True
            else:
                children = _children(sre, op, av)
                if any(self.sequence(child) for child in children):
                    return True
                zero_width = op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT)
                units.append(
                    _Unit(
                        frozenset() if zero_width else self.chars([(op, av)]),
                        not zero_width and any(self._has_repeat(c) for c in children),
                        self.nullable([(op, av)]),
                        groups,
                        literal=chr(av) if op is sre.LITERAL else None,
                    )
                )
        return False

    def _forbidden(self, body) -> frozenset[str]:
        """The literal texts of a negative lookahead that starts ``body``."""
        sre = self.sre
        if not body or body[0][0] is not sre.ASSERT_NOT or body[0][1][0] != 1:
            return frozenset()
        inner = body[0][1][1]
        alternatives = inner[0][1][1] if len(inner) == 1 and inner[0][0] is sre.BRANCH else [inner]
        texts = set()
        for alternative in alternatives:
            if alternative and all(op is sre.LITERAL for op, _ in alternative):
                texts.add("".join(chr(av) for _, av in alternative))
        return frozenset(texts)

    def _new_group(self) -> int:
        self.groups_made += 1
        return self.groups_made

    def _has_repeat(self, items) -> bool:
        sre = self.sre
        for op, av in items:
            if op in _repeat_ops(sre):
                if _unbounded(av) or self._has_repeat(av[2]):
                    return True
            elif any(self._has_repeat(child) for child in _children(sre, op, av)):
                return True
        return False

    # -- what a piece can consume -------------------------------------------------------

    def chars(self, items) -> frozenset[str]:
        """Every character of :data:`ALPHABET` some part of ``items`` can consume.  A
        negative lookahead of single characters before a piece takes them out of it
        (``(?:(?!/|-).)`` consumes neither ``/`` nor ``-``)."""
        sre = self.sre
        found: set[str] = set()
        excluded: frozenset[str] = frozenset()
        for op, av in items:
            if op is sre.ASSERT_NOT and av[0] == 1:
                excluded = excluded | self._single_chars(av[1])
                continue
            if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
                continue
            if op in _repeat_ops(sre):
                piece = self.chars(av[2])
            elif op is sre.SUBPATTERN or op is getattr(sre, "ATOMIC_GROUP", None):
                piece = self.chars(av[-1] if op is sre.SUBPATTERN else av)
            elif op in (sre.BRANCH, sre.GROUPREF_EXISTS):
                piece = frozenset().union(*(self.chars(c) for c in _children(sre, op, av)))
            elif op in (sre.GROUPREF, getattr(sre, "GROUPREF_IGNORE", None)):
                piece = ALPHABET  # a back-reference may hold anything
            else:
                piece = frozenset(c for c in ALPHABET if self._member(c, op, av))
            found |= piece - excluded
            excluded = frozenset()
        return frozenset(found)

    def _single_chars(self, items) -> frozenset[str]:
        """What ``items`` matches when every alternative is one character, else nothing
        (a longer lookahead excludes no single character for sure)."""
        sre = self.sre
        branch = len(items) == 1 and items[0][0] is sre.BRANCH
        alternatives = items[0][1][1] if branch else [items]
        out: set[str] = set()
        for alternative in alternatives:
            if len(alternative) != 1 or alternative[0][0] not in (
                sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN
            ):
                return frozenset()
            out |= self.chars(alternative)
        return frozenset(out)

    def _member(self, c: str, op, av) -> bool:
        if self.ignore_case and c.isascii() and c.isalpha():
            return self._exact(c, op, av) or self._exact(c.swapcase(), op, av)
        return self._exact(c, op, av)

    def _exact(self, c: str, op, av) -> bool:
        sre = self.sre
        if op is sre.LITERAL:
            return ord(c) == av
        if op is sre.NOT_LITERAL:
            return ord(c) != av
        if op is sre.ANY:
            return c != "\n"
        if op is sre.IN:
            negated = False
            hit = False
            for kind, value in av:
                if kind is sre.NEGATE:
                    negated = True
                elif kind is sre.LITERAL:
                    hit = hit or ord(c) == value
                elif kind is sre.RANGE:
                    hit = hit or value[0] <= ord(c) <= value[1]
                elif kind is sre.CATEGORY:
                    cls = _CATEGORY_CLASSES.get(str(value), ".")
                    hit = hit or re.fullmatch(cls, c, re.ASCII | re.DOTALL) is not None
                else:  # a class item this check does not know: assume it matches
                    hit = True
            return hit != negated
        return True  # anything else that consumes: assume it may consume c

    def nullable(self, items) -> bool:
        """Whether ``items`` can match the empty string."""
        sre = self.sre
        for op, av in items:
            if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT, sre.GROUPREF):
                continue
            if op in _repeat_ops(sre):
                if av[0] == 0 or self.nullable(av[2]):
                    continue
                return False
            if op is sre.SUBPATTERN or op is getattr(sre, "ATOMIC_GROUP", None):
                if self.nullable(av[-1] if op is sre.SUBPATTERN else av):
                    continue
                return False
            if op in (sre.BRANCH, sre.GROUPREF_EXISTS):
                if any(self.nullable(c) for c in _children(sre, op, av)):
                    continue
                return False
            return False
        return True


def _in_a_row(units: list[_Unit], *, ignore_case: bool) -> bool:
    """Two repeats A ... B sharing a character, where everything between them can
    match nothing, be skipped with an optional group A and B are not in, or consume
    only characters both A and B can -- and no text between them is one that A or B
    cannot consume (their lookahead guard)."""
    for i, first in enumerate(units):
        if not first.repeat:
            continue
        for j in range(i + 1, len(units)):
            second = units[j]
            shared = first.chars & second.chars
            if not (second.repeat and shared):
                continue
            ends = first.groups | second.groups
            between = units[i + 1 : j]
            crossable = all(
                u.nullable or u.chars <= shared or not u.groups <= ends for u in between
            )
            if crossable and not _guarded(between, first.forbids | second.forbids, ignore_case):
                return True
    return False


def _guarded(between: list[_Unit], forbids: frozenset[str], ignore_case: bool) -> bool:
    """Whether a run of literal characters between two repeats holds a text one of them
    is forbidden to consume."""
    if not forbids:
        return False
    runs, run = [], ""
    for unit in between:
        if unit.literal is not None and not unit.nullable:
            run += unit.literal
        else:
            runs.append(run)
            run = ""
    runs.append(run)
    if ignore_case:
        runs = [r.lower() for r in runs]
        forbids = frozenset(f.lower() for f in forbids)
    return any(text in r for r in runs for text in forbids)
