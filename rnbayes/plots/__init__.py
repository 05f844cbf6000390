"""Stage 5: plots of already-computed results.

Every plot is ``plot_<noun>(result, *, ax=None, ...)``: it draws numbers the result
already holds, computes nothing, returns the Axes, and never switches the matplotlib
backend (without ``ax`` it makes a figure with pyplot's current backend).
"""

from .network import plot_network
from .sensitivity import plot_posterior_interval, plot_prior_curve, plot_tornado
from .voi import plot_test_values

__all__ = ["plot_network", "plot_posterior_interval", "plot_prior_curve", "plot_test_values",
           "plot_tornado"]
