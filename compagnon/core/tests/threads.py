"""Run callables in threads released at the same moment: how the concurrency tests meet races."""

import threading

from django.db import connections


def together(targets, timeout: float = 120) -> tuple[list, list[Exception]]:
    """Start one thread per callable, release them together, wait for all.

    Returns what the callables returned (in finishing order) and the exceptions they raised. Each
    thread closes its own database connections. A thread still running after ``timeout`` seconds
    fails the test: it is waiting on a lock that nobody releases.
    """
    results, errors, barrier = [], [], threading.Barrier(len(targets))

    def work(target):
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - reported to the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a thread is still waiting on a lock"
    return results, errors
