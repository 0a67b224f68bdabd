"""The shared package every service is built on.

Settings and lazily built clients, document models and repositories over tenant-scoped paths,
tenancy and auth context, permissions from ``static/roles.yaml``, the error hierarchy, domain
events, task queues, migrations and structured logging. Importing it is cheap: nothing here
builds a client or reads a file until first use.
"""
