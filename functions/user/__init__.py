"""The user service: profiles with attribute-level permissions, roles, lifecycle,
de-identification, terms of service and notification preferences."""
