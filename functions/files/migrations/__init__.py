"""Data migrations of the files service, applied in order by ``ops/migrate``."""
