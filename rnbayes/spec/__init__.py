"""Stage 1: the spec. YAML documents (network, prior records, tests catalogue, utilities,
case files) are validated and parsed into frozen typed objects."""
