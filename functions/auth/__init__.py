"""The auth service: who a new user is (tenant, roles) and the claims their tokens carry."""
