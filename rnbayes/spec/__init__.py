"""Stage 1: the spec -- what the user and the literature wrote, validated and typed.

* :mod:`.schema` -- stage-1 validation of every YAML document against its versioned JSON
  Schema (``schemas/1/*.json``, package data);
* :mod:`.records`, :mod:`.distributions` -- sourced prior records and the distributions
  their figures become;
* :mod:`.network` -- the network spec as frozen typed objects, with stage-2 checks;
  :mod:`.generators` -- one registered class per CPT generator; :mod:`.refs` -- typed
  references from tables to records; :mod:`.tables` -- tables from record values;
* :mod:`.compiled` -- the immutable compiled model (spec, records, point tables);
* :mod:`.evidence`, :mod:`.case`, :mod:`.utilities`, :mod:`.catalog` -- a case's
  findings, case files, decision utilities, the tests catalogue;
* :mod:`.yamlio`, :mod:`.resources` -- reading files, finding the bundled data.

Only this stage reads YAML. The public names are re-exported by :mod:`rnbayes`.
"""
