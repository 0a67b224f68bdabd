"""The customer service: each customer is a tenant (its document, organisation, invitations,
registration settings, API keys, settings and lifecycle)."""
