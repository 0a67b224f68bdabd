"""The files service's models, one module per subject: stored documents (``Document``) and the
requests and answers of its callables. Import the subject module; this package imports nothing
itself (each function loads only the models it needs)."""
