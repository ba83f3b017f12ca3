"""Small-number suppression for anonymous tables: no count under the minimum, and none that
can be worked out from the counts that are shown.

Primary rule: every count under `minimum` (zero too) is hidden and shown as «<5». Zero is
hidden as well, so «<5» means 0–4: were zero shown, «<5» would mean 1–4 and a hidden 1 beside
a hidden 5 in a row that sums to 6 could be pinned down.

Secondary rule: the published figures obey additive relations (a row's pupils are the sum of
its categories; a school's count is the sum of its grades', a grade's the sum of its groups').
In every relation that holds a hidden count, either all its cells are hidden, or at least two
are and one of the hidden ones is at least `minimum`. A relation with one hidden cell would
give it away by subtraction; one whose hidden cells are all small could pin them through their
bounds (two hidden cells that must sum to 8 are both 4). Where a relation falls short, the
smallest shown cell of it is hidden too (marked «×»), parts before the total, until every
relation holds; each step hides one more cell, so it ends.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

SHOWN = ""
SMALL = "<"  # under the minimum: shown as «<5»
COMPLEMENT = "×"  # hidden so that a small count cannot be worked out


def suppress(
    values: Mapping[K, int], relations: Sequence[Sequence[K]], minimum: int
) -> dict[K, str]:
    """The mark of every cell: SHOWN, SMALL or COMPLEMENT.

    Each relation lists the parts first and the total last (parts + … = total); every cell of
    a relation must be in `values`.
    """
    marks: dict[K, str] = {k: SMALL if v < minimum else SHOWN for k, v in values.items()}
    changed = True
    while changed:
        changed = False
        for relation in relations:
            hidden = [k for k in relation if marks[k] != SHOWN]
            if not hidden or len(hidden) == len(relation):
                continue
            if len(hidden) >= 2 and any(values[k] >= minimum for k in hidden):
                continue
            shown = [(values[k], place, k) for place, k in enumerate(relation) if marks[k] == SHOWN]
            _, _, pick = min(shown, key=lambda item: (item[0], item[1]))
            marks[pick] = COMPLEMENT
            changed = True
    return marks


def holds(
    values: Mapping[K, int], relations: Sequence[Sequence[K]], marks: Mapping[K, str], minimum: int
) -> bool:
    """Whether `marks` meet both rules (for tests and for an audit of a finished table)."""
    if any(v < minimum and marks[k] == SHOWN for k, v in values.items()):
        return False
    for relation in relations:
        hidden = [k for k in relation if marks[k] != SHOWN]
        partial = hidden and len(hidden) < len(relation)
        if partial and (len(hidden) < 2 or all(values[k] < minimum for k in hidden)):
            return False
    return True
