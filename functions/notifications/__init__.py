"""The notifications service: definitions, decisions, dispatch and delivery on every channel."""
