"""The health check for load balancers: ``/healthz``."""
