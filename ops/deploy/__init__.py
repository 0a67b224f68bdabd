"""The deploy plan, in three parts: ``declarations`` (what the functions declare), ``commands``
(the gcloud commands those declarations imply) and ``cli`` (``python -m ops.deploy``). See
``ops/DEPLOY.md``."""
