"""Token transports: base.py has the interface and `get_transport()`; one module per transport."""
