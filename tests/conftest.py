"""Shared test settings: property tests run without deadlines (CI machines are slow and shared)."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "gatekit", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=100
)
settings.load_profile("gatekit")
