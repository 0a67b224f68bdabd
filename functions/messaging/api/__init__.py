"""Entry points of the messaging service, one module per subject; this package imports nothing."""
