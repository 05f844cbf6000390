"""The closing section of RESULTS.md: how every contender is used and why."""

METHODS = [
    "## How each contender is used", "",
    "- **rnbayes, public calls**: `rnbayes.load_model()` once, then `model.posterior(ev)` "
    "(reading `.contributions` and `.conflict`), `model.value_of_information(ev)` (reading "
    "`.table`, `.what_if`, `.best_pairs`), `model.sensitivity(ev, n_draws=N)` (reading every "
    "part), and the CLI as subprocesses. Only these calls are timed for targets 1-4.",
    "- **rnbayes, kernel**: the engine's compiled query, the test-joint product with the "
    "mutual information of every test, and the batched contraction over parameter draws, "
    "called through `bench/adapter.py` (the one module that imports rnbayes internals).",
    "- **pgmpy** (`VariableElimination`, default `greedy` contraction): one engine per "
    "network, reused for every query and every parameter draw; a draw replaces "
    "`cpd.values` and queries the same engine (`query` prunes the network and reads the "
    "CPDs on every call, so nothing stale is reused). Value of information: one joint "
    "query P(target, test nodes | e) per test, mutual information in numpy.",
    "- **pyAgrum** (`LazyPropagation`, per its documented API): one engine per job, "
    "reused; evidence changed with `updateEvidence` (`chgEvidence` per node) while the "
    "observed nodes stay the same, `setEvidence` when they change; explicit targets "
    "(`setTargets`/`addTarget`); value of information from one engine with a joint target "
    "{target, test nodes} per test (`addJointTarget`) and one `makeInference`, then "
    "`jointPosterior` per test. After CPTs are refilled for a draw the evidence is entered "
    "again (otherwise a reused engine returns the old posterior). *Cold*: a new "
    "`LazyPropagation` (junction tree built for the call).",
    "- **Same work**: every contender answers the same query on the same tables; the max "
    "abs diff columns compare them (pgmpy is the reference; pyAgrum's posterior, "
    "leave-one-out posteriors and P(e_i) reproduce rnbayes' contributions and conflict). "
    "Parameter draws come from the same numpy function on every side, inside the timed "
    "region, as Dirichlet(50 × column) over every table of the query's ancestral set.",
    "- **Interleaving**: within a table row every contender is timed once per round, "
    "round after round, after one warm-up call; a sample averages enough back-to-back calls "
    "to last ~20 ms. Warm contenders cycle through several evidence values with the same "
    "observed nodes, so no engine can return a cached answer.",
    "- **Cold** (new evidence shape): rnbayes' public call on a freshly built model with "
    "empty plan caches that has answered one posterior with no findings (so its per-model "
    "work, every node's prior and the sources table, is done), with a node set not used "
    "before in the run; the "
    "kernel on a new engine. pgmpy has no per-shape cache (every query prunes and plans).",
    "- **Where the time goes**: `python bench/hotspots.py` profiles the public calls and "
    "the CLI start-up (cProfile and `-X importtime`).",
    "- **Reproduce**: `python bench/run.py` (full, two runs; a few minutes) or "
    "`python bench/run.py --quick` (seconds). pyAgrum is optional (`pip install "
    "'.[bench]'`); without it its columns read n/a.",
    "",
]
