"""labfault: a fault-injecting HTTP/1.1 and TLS proxy for binnacle's fault tests."""
