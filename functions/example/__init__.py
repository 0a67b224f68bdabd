"""The example service: projects with tasks, the pattern product teams copy."""
