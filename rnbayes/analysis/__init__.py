"""Stage 3: the analyses of one case on a model.

:mod:`.model` (the :class:`~rnbayes.Model` users hold, and :func:`~rnbayes.load_model`),
:mod:`.posterior` (posterior, contributions, conflict), :mod:`.voi` with :mod:`.measures`
and :mod:`.pairs` (value of information), :mod:`.sensitivity` (draws, tornado, flip
points, prior curve).
"""
