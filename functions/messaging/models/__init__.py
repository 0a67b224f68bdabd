"""The messaging service's models, one module per subject; this package imports nothing."""
