"""Entry points of the files service (callables), one module per subject.

Each module is listed in ``FUNCTIONS`` of ``functions/main.py``; a deployed function imports
only its own module, so this package imports nothing itself."""
