"""Data migrations of the user service, applied in order by ``ops/migrate``."""
