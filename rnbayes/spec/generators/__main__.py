"""``python -m rnbayes.spec.generators``: write the registry's schema fragments into
``network.json`` (run it after adding or changing a generator)."""

from . import write_network_schema

if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    print(f"wrote {write_network_schema()}")
