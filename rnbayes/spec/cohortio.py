"""Reading cohort tables from CSV or Parquet files, whole or in chunks.

A large CSV is read in chunks (``pandas.read_csv(chunksize=...)``) and a Parquet file in
record batches, so a 100 MB registry never sits in memory as one DataFrame. Every
problem with the file itself (missing, empty, only a header, not a table) is one
:class:`~rnbayes.errors.CohortError` line naming the file.

Examples
--------
>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as d:
...     f = pathlib.Path(d) / "c.csv"
...     _ = f.write_text("lesion_id,rcbv\\na,2.5\\nb,\\nc,1.2\\n")
...     [len(chunk) for chunk in iter_table(f, chunksize=2)], int(read_table(f)["rcbv"].isna().sum())
([2, 1], 1)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import CohortError

#: rows per chunk when a file is streamed
CHUNK_ROWS = 200_000
FORMATS = (".csv", ".txt", ".tsv", ".parquet", ".pq")


def table_format(path: str | Path) -> str:
    """``"csv"`` or ``"parquet"`` from the file name.

    Raises
    ------
    CohortError
        A file that does not exist, a folder, or a suffix that is neither.
    """
    p = Path(path)
    if not p.exists():
        raise CohortError(f"{str(p)!r}: no such file")
    if p.is_dir():
        raise CohortError(f"{str(p)!r} is a folder; give a CSV or Parquet file")
    suffix = p.suffix.lower()
    if suffix not in FORMATS:
        raise CohortError(f"{p.name}: a cohort table must be a CSV (.csv, .tsv, .txt) or "
                          f"Parquet (.parquet) file; got {suffix or 'no suffix'!r}")
    return "parquet" if suffix in (".parquet", ".pq") else "csv"


def _csv_options(path: Path) -> dict[str, Any]:
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    # blanks and the usual spellings of "not recorded" are missing; nothing else is guessed
    return {"sep": sep, "na_values": ["", "NA", "N/A", "NaN", "nan", "null", "NULL"],
            "keep_default_na": False, "skipinitialspace": True}


def iter_table(path: str | Path, *, chunksize: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
    """The table in chunks of ``chunksize`` rows (at least one chunk; it may be empty when
    the file has only a header).

    Raises
    ------
    CohortError
        The file is missing, empty, or not a readable table.
    """
    p = Path(path)
    fmt = table_format(p)
    if p.stat().st_size == 0:
        raise CohortError(f"{p.name}: the file is empty (no header, no rows)")
    try:
        if fmt == "parquet":
            yield from _parquet_chunks(p, chunksize)
            return
        reader = pd.read_csv(p, chunksize=chunksize, **_csv_options(p))
        with reader:
            first = True
            for chunk in reader:
                first = False
                yield chunk
            if first:  # pragma: no cover - pandas yields one empty chunk for a header
                yield pd.DataFrame()
    except CohortError:
        raise
    except ImportError:
        raise CohortError(f"{p.name}: reading Parquet needs pyarrow (pip install pyarrow)") from None
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError, ValueError,
            OSError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CohortError(f"{p.name}: not a readable {fmt.upper()} table ({first_line})") from None


def _parquet_chunks(p: Path, chunksize: int) -> Iterator[pd.DataFrame]:
    import pyarrow.parquet as pq

    f = pq.ParquetFile(p)
    empty = True
    for batch in f.iter_batches(batch_size=chunksize):
        empty = False
        yield batch.to_pandas()
    if empty:
        yield f.schema_arrow.empty_table().to_pandas()


def read_table(path: str | Path) -> pd.DataFrame:
    """The whole table (see :func:`iter_table` for the errors)."""
    chunks = list(iter_table(path))
    return chunks[0] if len(chunks) == 1 else pd.concat(chunks, ignore_index=True)


def as_frame(data: Any) -> pd.DataFrame:
    """A DataFrame, or the table in a CSV / Parquet file named by a path.

    Raises
    ------
    CohortError
        Something that is neither, or a file problem.
    """
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, (str, Path)):
        return read_table(data)
    raise CohortError(f"a cohort must be a pandas DataFrame or the path of a CSV or Parquet "
                      f"file; got {type(data).__name__}")
