"""Round axis maxima and tick values: 0–7 becomes 0, 2, 4, 6, 8; 0–130 becomes 0, 50, 100, 150."""

from __future__ import annotations

import math

__all__ = ["nice_ticks"]

_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


def nice_ticks(highest: float, most_ticks: int = 5, *, whole: bool = False) -> tuple[float, ...]:
    """Evenly spaced round values from 0 to at least `highest`, at most `most_ticks` + 1 of them.

    `whole`: the values are counts, so no tick falls between two whole numbers. Nothing to
    show (0 or less) still gives an axis 0–1 so a flat line sits on the floor.
    """
    if highest <= 0 or not math.isfinite(highest):
        return (0.0, 1.0)
    raw_step = highest / most_ticks
    if whole:
        raw_step = max(raw_step, 1.0)
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(s * magnitude for s in _STEPS if s * magnitude >= raw_step)
    count = math.ceil(highest / step - 1e-9)
    return tuple(step * i for i in range(count + 1))
