"""Data migrations of the example service, applied in order by ``ops/migrate``."""
