"""Documents, requests and answers of the notifications service."""
