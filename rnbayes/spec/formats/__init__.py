"""Read and write discrete Bayesian networks in the formats other tools open.

=========  ==========================================  ======================================
format     suffixes                                    opens in
=========  ==========================================  ======================================
``bif``    ``.bif``                                    pyAgrum, pgmpy, bnlearn
``xmlbif`` ``.xmlbif``, ``.bifxml``, ``.xml``          pyAgrum, pgmpy, Weka, JavaBayes
``xdsl``   ``.xdsl``                                   GeNIe / SMILE, pgmpy
``net``    ``.net``                                    Hugin, SamIam, pyAgrum, pgmpy
``uai``    ``.uai``                                    UAI-format solvers (no names)
=========  ==========================================  ======================================

Every writer puts probabilities at full double precision (``repr`` of each float) and
lists a node's parents in the order of its table's axes. The network travels as a
:class:`NetworkData` (plain names, states, parents and tables), so nothing here depends on
how rnbayes builds its models.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from . import bif, net, uai, xdsl, xmlbif
from ._common import SUM_TOLERANCE, InterchangeError, NetworkData
from .adapters import network_data_from_model, network_data_from_pgmpy

__all__ = ["FORMATS", "SUM_TOLERANCE", "InterchangeError", "NetworkData", "format_of",
           "network_data_from_model", "network_data_from_pgmpy", "read_network",
           "write_network"]

#: format name -> module with ``write(data) -> str`` and ``read(text, source)``
_MODULES: dict[str, Any] = {"bif": bif, "xmlbif": xmlbif, "xdsl": xdsl, "net": net, "uai": uai}
#: format names, in the order they are listed to users
FORMATS = tuple(_MODULES)
_SUFFIXES = {".bif": "bif", ".xmlbif": "xmlbif", ".bifxml": "xmlbif", ".xml": "xmlbif",
             ".xdsl": "xdsl", ".net": "net", ".uai": "uai"}


def format_of(path: Path, fmt: str | None) -> str:
    """The format of ``path``: ``fmt`` if given, else from the suffix (one clear error
    for an unknown one)."""
    if fmt is not None:
        key = str(fmt).lower().lstrip(".")
        key = _SUFFIXES.get("." + key, key)
        if key not in _MODULES:
            raise InterchangeError(f"unknown format {fmt!r}; choose one of {list(FORMATS)}",
                                   file=str(path))
        return key
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise InterchangeError(
            f"cannot tell the format from the suffix {suffix or '(none)'!r}; use one of "
            f"{sorted(_SUFFIXES)} or pass format= one of {list(FORMATS)}", file=str(path))
    return _SUFFIXES[suffix]


def write_network(data: NetworkData, path: str | os.PathLike[str], format: str | None = None,
                  *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` in one of :data:`FORMATS`.

    Parameters
    ----------
    data : the network
    path : file to write; the format comes from its suffix unless ``format`` is given
    format : ``"bif"``, ``"xmlbif"``, ``"xdsl"``, ``"net"`` or ``"uai"``
    overwrite : replace an existing file (by default an existing file is never touched)

    Returns
    -------
    The path written. The file appears whole or not at all.

    Raises
    ------
    InterchangeError
        Unknown format, an existing file, or a name the format cannot hold.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> data = NetworkData("tiny", states={"rain": ("yes", "no")}, parents={"rain": ()},
    ...                    cpts={"rain": np.array([0.2, 0.8])})
    >>> folder = tempfile.mkdtemp()
    >>> path = write_network(data, folder + "/tiny.net")
    >>> read_network(path).cpts["rain"].tolist()
    [0.2, 0.8]
    """
    path = Path(path)
    key = format_of(path, format)
    if not isinstance(data, NetworkData):
        raise InterchangeError(f"expected NetworkData, got {type(data).__name__}", file=str(path))
    if path.exists() and not overwrite:
        raise InterchangeError("file exists; pass overwrite=True to replace it", file=str(path))
    try:
        text = _MODULES[key].write(data)
    except InterchangeError as exc:
        raise InterchangeError(str(exc), file=str(path)) from None
    _write_atomically(path, text)
    return path


def _write_atomically(path: Path, text: str) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise InterchangeError(f"cannot write here: {exc.strerror}", file=str(path)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_network(path: str | os.PathLike[str], format: str | None = None) -> NetworkData:
    """Read a network file into :class:`NetworkData`.

    Parameters
    ----------
    path : a ``.bif``, ``.xmlbif``/``.bifxml``/``.xml``, ``.xdsl``, ``.net`` or ``.uai`` file
    format : the format, when the suffix does not tell it

    Raises
    ------
    InterchangeError
        One line naming the file and the problem: missing or unreadable file, unknown
        suffix, malformed content, a table whose columns do not sum to 1, a cycle.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "coin.bif"
    >>> _ = path.write_text('''
    ... network coin { }
    ... variable toss { type discrete [ 2 ] { heads, tails }; }
    ... probability ( toss ) { table 0.5, 0.5; }
    ... ''')
    >>> data = read_network(path)
    >>> data.states["toss"], data.cpts["toss"].tolist()
    (('heads', 'tails'), [0.5, 0.5])
    """
    path = Path(path)
    key = format_of(path, format)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InterchangeError("no such file", file=str(path)) from None
    except OSError as exc:
        raise InterchangeError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    if key in ("xmlbif", "xdsl"):
        return _MODULES[key].read(raw, str(path))  # XML declares its own encoding
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # older tools write ISO-8859-1
    return _MODULES[key].read(text, str(path))
