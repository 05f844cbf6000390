"""The colours every plot shares, so TTP and RN look the same everywhere (the cohort
plots use the same two)."""

from __future__ import annotations

#: tumour progression, and radiation necrosis
TTP = "#d8533b"
RN = "#3b7dd8"
#: neither: draws, curves, reference lines
NEUTRAL = "#8a8a8a"
LIGHT = "#c4c4c4"
DARK = "#222222"
#: value of information: EVSI, a positive net value, a negative one (not worth it)
EVSI = "#7b68a6"
WORTH = "#4d9a5b"
NOT_WORTH = "#b5b5b5"
#: tick labels and legends
TICK_SIZE = 9
LEGEND_SIZE = 8
