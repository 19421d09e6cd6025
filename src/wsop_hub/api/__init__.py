"""HTTP API: app factory, authentication, thin routes."""
