"""The line every bench table starts with: which Python on which CPU, since speed figures hold
only for the machine they were measured on."""

import gc
import os
import platform
import sys


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (Linux), else what `platform` knows."""
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    """Python version and implementation, CPU model, cores, and the collector's thresholds."""
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return (f"{python} on {cpu_model()}, {os.cpu_count()} cores, {sys.platform};"
            f" gc thresholds {gc.get_threshold()}")
