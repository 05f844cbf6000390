"""CPT generators: turn record values into conditional probability tables.

Every generator works on a batch of parameter values at once. ``values(ref)``
returns, for a record reference, an array of shape ``(B,)`` (Beta,
log-normal) or ``(B, k)`` (Dirichlet). A generator returns an array of shape
``(B, card(child), *card(parents))`` with parents in the node's declared order.

Generators
----------
``table``       plain table: one distribution per parent configuration.
``logodds``     binary child; baseline probability x published odds ratios of
                its (root) parents, additive on the log-odds scale; with
                ``calibrate: marginal`` the intercept is solved so that the
                child's marginal probability equals the baseline record.
``noisy_max``   leaky noisy-OR generalised to ordered states (Diez 1993): each
                active cause independently produces a level, the child shows the
                highest; ``noisy_or`` is the binary case.
``latent_test`` a test read off a shared latent cause (e.g. tumour vascularity
                behind rCBV, Ktrans and ASL CBF); its two conditional
                probabilities are solved so that the test keeps its published
                sensitivity and specificity, then optional maskers (blood
                products, bevacizumab) turn positives into negatives.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

Values = Callable[[Any], np.ndarray]
GENERATORS = ("table", "logodds", "noisy_max", "noisy_or", "latent_test")


def ref_ids(ref: Any) -> list[str]:
    """Record ids inside a probability reference (``id`` or ``{record: id, state: s}``)."""
    if isinstance(ref, str):
        return [ref]
    if isinstance(ref, dict) and "record" in ref:
        return [ref["record"]]
    return []


def distribution(values: Values, ref: Any, child_states: Sequence[str], records) -> np.ndarray:
    """``(B, card)`` distribution over ``child_states`` from a reference.

    ``id`` of a Dirichlet record whose states are the child's states (any order),
    or ``{record: id, state: s}`` of a Beta record giving P(s) for a binary child.
    """
    if isinstance(ref, str):
        rec = records[ref]
        v = values(ref)
        pos = [rec.states.index(s) for s in child_states]
        return v[:, pos]
    if "fixed" in ref:  # a logical constraint (e.g. no tumour, no hypercellular tumour)
        return np.array([[float(ref["fixed"].get(s, 0.0)) for s in child_states]])
    rid, state = ref["record"], ref["state"]
    p = values(rid)
    k = list(child_states).index(state)
    out = np.empty((p.shape[0], 2))
    out[:, k] = p
    out[:, 1 - k] = 1.0 - p
    return out


def _configs(parent_states: Sequence[Sequence[str]]):
    return itertools.product(*[range(len(s)) for s in parent_states])


def table(spec, child_states, parents, parent_states, values, records, **_) -> np.ndarray:
    shape = (len(child_states), *(len(s) for s in parent_states))
    if not parents:
        d = distribution(values, spec["probabilities"], child_states, records)
        return d.reshape(d.shape[0], *shape)
    rows = spec["rows"]
    cols = []
    for cfg in _configs(parent_states):
        row = match_row(rows, parents, [parent_states[i][j] for i, j in enumerate(cfg)])
        cols.append((cfg, distribution(values, row["probabilities"], child_states, records)))
    batch = max(d.shape[0] for _, d in cols)  # rows may mix drawn (B) and point (1) values
    out = np.empty((batch, *shape))
    for cfg, d in cols:
        out[(slice(None), slice(None), *cfg)] = d
    return out


def match_row(rows: list[dict], parents: Sequence[str], config: Sequence[str]) -> dict | None:
    """The one row whose ``when`` matches ``config`` (omitted parents match any state)."""
    hits = matching_rows(rows, parents, config)
    return hits[0] if len(hits) == 1 else None


def matching_rows(rows: list[dict], parents: Sequence[str], config: Sequence[str]) -> list[dict]:
    """Every row whose ``when`` matches ``config``."""
    return [r for r in rows if all(r.get("when", {}).get(p, s) == s for p, s in zip(parents, config))]


def _log_or(spec, parents, parent_states, values) -> np.ndarray:
    """``(B, *card(parents))`` sum of log odds ratios for every parent configuration."""
    batch = None
    terms = []
    for i, p in enumerate(parents):
        effects = spec.get("effects", {}).get(p, {})
        per_state = []
        for s in parent_states[i]:
            if s in effects:
                v = np.log(values(effects[s]))
                batch = max(batch or 1, v.shape[0])  # drawn (B) and point (1) values may mix
            else:
                v = None
            per_state.append(v)
        terms.append(per_state)
    batch = batch or 1
    # grow the table one parent at a time (each add only as large as the result so far),
    # instead of adding every term into a full-size array
    total = np.zeros((batch,) + (1,) * len(parents))
    for i, per_state in enumerate(terms):
        vec = np.stack([np.zeros(batch) if v is None else np.broadcast_to(v, (batch,))
                        for v in per_state], axis=1)
        shape = [batch] + [1] * len(parents)
        shape[i + 1] = len(per_state)
        total = total + vec.reshape(shape)
    return np.broadcast_to(total, (batch, *(len(s) for s in parent_states)))


def _expit(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def solve_intercept(lor: np.ndarray, weights: np.ndarray, target: np.ndarray,
                    *, tol: float = 1e-14, max_iter: int = 100, chunk: int = 256) -> np.ndarray:
    """Solve ``sum_x w(x) expit(c + lor(x)) = target`` for ``c`` in each batch row.

    ``lor`` and ``weights`` have shape ``(B, m)`` (weights sum to 1 per row),
    ``target`` shape ``(B,)``. Safeguarded Halley iterations on a bracket; the
    left side is strictly increasing in ``c`` so the root is unique. Rows are
    solved in cache-sized chunks, each until ``|f| < tol`` or the step stalls
    at rounding level (usually 3-4 iterations), so 10,000 draws over thousands of
    parent configurations stay fast.

    Examples
    --------
    >>> lor = np.array([[0.0, 1.0, -1.0]]); w = np.full((1, 3), 1 / 3)
    >>> c = solve_intercept(lor, w, np.array([0.3]))
    >>> bool(abs((w * _expit(c[:, None] + lor)).sum() - 0.3) < 1e-14)
    True
    """
    lor = np.asarray(lor, dtype=float)
    weights = np.asarray(weights, dtype=float)
    target = np.asarray(target, dtype=float)
    batch = lor.shape[0]
    out = np.empty(batch)
    for s in range(0, batch, chunk):
        sl = slice(s, min(s + chunk, batch))
        out[sl] = _solve_chunk(lor[sl], weights[sl], target[sl], tol, max_iter)
    return out


def _solve_chunk(lor, w, target, tol, max_iter) -> np.ndarray:
    logit_t = np.log(target) - np.log1p(-target)
    c = logit_t - np.einsum("ij,ij->i", w, lor)
    lo = logit_t - lor.max(axis=1) - 1.0
    hi = logit_t - lor.min(axis=1) + 1.0
    wsum = w.sum(axis=1)
    buf = np.empty_like(lor)
    for _ in range(max_iter):
        # expit(x) = (1 + tanh(x/2)) / 2, so with t = tanh((c + lor)/2):
        # f = (W.1 + W.t)/2 - target, f' = (W.1 - W.t^2)/4, f'' = -(W.t - W.t^3)/4
        np.add(c[:, None], lor, out=buf)
        buf *= 0.5
        np.tanh(buf, out=buf)
        wt = w * buf
        s1 = wt.sum(axis=1)
        wt *= buf
        s2 = wt.sum(axis=1)
        wt *= buf
        s3 = wt.sum(axis=1)
        f = 0.5 * (wsum + s1) - target
        d1 = 0.25 * (wsum - s2)
        d2 = -0.25 * (s1 - s3)
        lo = np.where(f < 0, c, lo)
        hi = np.where(f > 0, c, hi)
        ok = d1 > 0
        safe = np.where(ok, d1, 1.0)
        newton = f / safe
        denom = 1.0 - 0.5 * newton * d2 / safe
        step = np.where(ok, np.where(denom > 0.5, newton / np.where(denom > 0.5, denom, 1.0),
                                     newton), 0.0)
        new = c - step
        bad = (new <= lo) | (new >= hi) | ~np.isfinite(new)
        done = (np.abs(f) < tol) | (np.abs(step) <= 4e-16 * np.maximum(1.0, np.abs(c)))
        c = np.where(done, c, np.where(bad, 0.5 * (lo + hi), new))
        if done.all():
            break
    return c


def logodds(spec, child_states, parents, parent_states, values, records, tables, **_) -> np.ndarray:
    outcome = spec["outcome"]
    k = list(child_states).index(outcome)
    lor = _log_or(spec, parents, parent_states, values)
    base = values(spec["baseline"])
    marginal = spec.get("calibrate", "reference") == "marginal"
    # the batch may come from the odds ratios, the baseline or (when calibrating to the
    # case mix) only from the parents' drawn mix tables
    mix_batch = [np.shape(tables[p])[0] for p in parents if np.ndim(tables[p]) == 2] \
        if marginal else []
    batch = max(lor.shape[0], base.shape[0], *mix_batch)
    lor = np.broadcast_to(lor, (batch, *lor.shape[1:]))
    base = np.broadcast_to(base, (batch,))
    logit_b = np.log(base) - np.log1p(-base)
    if marginal:
        # joint weight of parent configurations: parents are roots, so a product of marginals
        w = np.ones((batch,) + (1,) * len(parents))
        for i, p in enumerate(parents):
            m = tables[p]  # (B or 1, card)
            m = np.broadcast_to(m, (batch, m.shape[-1]))
            shape = [batch] + [1] * len(parents)
            shape[i + 1] = m.shape[1]
            w = w * m.reshape(shape)
        flat_w = np.broadcast_to(w, lor.shape).reshape(batch, -1)
        c = solve_intercept(lor.reshape(batch, -1), flat_w, base)
    else:
        c = logit_b
    p = _expit(c.reshape((batch,) + (1,) * len(parents)) + lor)
    out = np.empty((batch, 2, *p.shape[1:]))
    out[:, k] = p
    out[:, 1 - k] = 1.0 - p
    return out


def noisy_max(spec, child_states, parents, parent_states, values, records, **_) -> np.ndarray:
    order = list(spec.get("order", child_states))
    n = len(order)
    perm = [order.index(s) for s in child_states]  # child state -> level
    batch = 1
    cause_cdf: list[list[np.ndarray | None]] = []
    for i, p in enumerate(parents):
        produced = spec.get("causes", {}).get(p, {})
        per_state = []
        for s in parent_states[i]:
            if s in produced:
                d = distribution(values, produced[s], order, records)
                batch = max(batch, d.shape[0])
                per_state.append(np.cumsum(d, axis=1))
            else:
                per_state.append(None)  # all mass on the lowest level
        cause_cdf.append(per_state)
    leak = spec.get("leak")
    leak_cdf = np.cumsum(distribution(values, leak, order, records), axis=1) if leak else None
    if leak_cdf is not None:
        batch = max(batch, leak_cdf.shape[0])
    cdf = np.ones((batch, n, *(len(s) for s in parent_states)))
    if leak_cdf is not None:
        cdf = cdf * leak_cdf.reshape((leak_cdf.shape[0], n) + (1,) * len(parents))
    for i, per_state in enumerate(cause_cdf):
        arr = np.stack([np.ones((batch, n)) if c is None else np.broadcast_to(c, (batch, n))
                        for c in per_state], axis=2)  # (B, n, card_i)
        shape = [batch, n] + [1] * len(parents)
        shape[i + 2] = len(per_state)
        cdf = cdf * arr.reshape(shape)
    probs = np.diff(cdf, axis=1, prepend=0.0)
    probs = np.clip(probs, 0.0, None)
    return probs[:, perm]


def latent_solution(a, b, sens, spec_) -> tuple[np.ndarray, np.ndarray]:
    """P(test+ | latent high), P(test+ | latent low) reproducing sensitivity and specificity.

    With ``a = P(high | positive class)`` and ``b = P(high | negative class)``::

        sens     = a s + (1 - a) f
        1 - spec = b s + (1 - b) f
    """
    fpr = 1.0 - spec_
    det = a - b
    s = (sens * (1 - b) - fpr * (1 - a)) / det
    f = (fpr * a - sens * b) / det
    return s, f


def latent_test(spec, child_states, parents, parent_states, values, records, tables, net,
                **_) -> np.ndarray:
    latent = spec["latent"]
    lat_states = net["states"][latent]
    tgt = net["parents"][latent][0]
    tgt_states = net["states"][tgt]
    lt = tables[latent]  # (B, card_latent, card_target)
    hi = lat_states.index(spec["latent_positive"])
    pos_t = tgt_states.index(spec["target_positive"])
    a = lt[:, hi, pos_t]
    b = lt[:, hi, 1 - pos_t]
    s, f = latent_solution(a, b, values(spec["sensitivity"]), values(spec["specificity"]))
    masks = [(m, values(m["probability"])) for m in spec.get("masking", [])]
    # drawn (B) and point (1) values may mix: broadcast everything to one batch size
    batch = max([s.shape[0], *(v.shape[0] for _, v in masks)])
    s = np.broadcast_to(np.clip(s, 1e-6, 1 - 1e-6), (batch,))
    f = np.broadcast_to(np.clip(f, 1e-6, 1 - 1e-6), (batch,))
    kpos = list(child_states).index(spec["positive"])
    lat_axis = parents.index(latent)
    p_pos = np.ones((batch, *(len(st) for st in parent_states)))
    per_level = np.zeros((batch, len(lat_states)))
    per_level[:, hi] = s
    per_level[:, 1 - hi] = f
    shape = [batch] + [1] * len(parents)
    shape[lat_axis + 1] = len(lat_states)
    p_pos = p_pos * per_level.reshape(shape)
    for m, v in masks:
        i = parents.index(m["parent"])
        keep = np.ones((batch, len(parent_states[i])))
        keep[:, parent_states[i].index(m["state"])] = 1.0 - v
        shape = [batch] + [1] * len(parents)
        shape[i + 1] = len(parent_states[i])
        p_pos = p_pos * keep.reshape(shape)
    out = np.empty((batch, 2, *p_pos.shape[1:]))
    out[:, kpos] = p_pos
    out[:, 1 - kpos] = 1.0 - p_pos
    return out


def generate(name: str, **kwargs) -> np.ndarray:
    fn = {"table": table, "logodds": logodds, "noisy_max": noisy_max, "noisy_or": noisy_max,
          "latent_test": latent_test}[name]
    return fn(**kwargs)


def spec_record_refs(node_spec: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Every (path, reference) pair inside a node's ``cpt`` block."""
    cpt = node_spec.get("cpt", {})
    gen = cpt.get("generator")
    out: list[tuple[str, Any]] = []
    if gen == "table":
        if "probabilities" in cpt:
            out.append(("cpt.probabilities", cpt["probabilities"]))
        for i, r in enumerate(cpt.get("rows", []) or []):
            out.append((f"cpt.rows[{i}].probabilities", r.get("probabilities")))
    elif gen == "logodds":
        out.append(("cpt.baseline", cpt.get("baseline")))
        for p, eff in (cpt.get("effects") or {}).items():
            for s, r in (eff or {}).items():
                out.append((f"cpt.effects.{p}.{s}", r))
    elif gen in ("noisy_max", "noisy_or"):
        for p, eff in (cpt.get("causes") or {}).items():
            for s, r in (eff or {}).items():
                out.append((f"cpt.causes.{p}.{s}", r))
        if cpt.get("leak") is not None:
            out.append(("cpt.leak", cpt["leak"]))
    elif gen == "latent_test":
        out.append(("cpt.sensitivity", cpt.get("sensitivity")))
        out.append(("cpt.specificity", cpt.get("specificity")))
        for i, m in enumerate(cpt.get("masking", []) or []):
            out.append((f"cpt.masking[{i}].probability", m.get("probability")))
    return out
