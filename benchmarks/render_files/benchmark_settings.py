"""Production settings for the benchmarks (benchmarks/run.py copies this file into each render).

Only what a loopback run without a TLS proxy needs changes: the benchmark's views are added
to the URLs, access tokens outlive the run, and the user source of the token path can be
chosen per server (BENCHMARK_TOKEN_USER_SOURCE: "claims" or "database").
"""

from datetime import timedelta

from .production import *
from .production import GATEHOUSE, SIMPLE_JWT, env

ROOT_URLCONF = "config.benchmark_urls"
SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] = timedelta(hours=2)
GATEHOUSE["TOKEN_USER_SOURCE"] = env("BENCHMARK_TOKEN_USER_SOURCE", default="claims")
