"""Two changes racing each other on PostgreSQL, each on its own connection, released together."""

import threading

from django.db import connection


def race(first, second, *, refused):
    """Run `first` and `second` at once; each one's outcome: "done", or the message of the
    `refused` exception that stopped it (any other exception fails the test)."""
    start = threading.Barrier(2)
    changes = (first, second)
    outcomes = [None, None]
    failures = []

    def run(n):
        try:
            start.wait()
            changes[n]()
            outcomes[n] = "done"
        except refused as refusal:
            outcomes[n] = str(refusal)
        except Exception as failure:
            failures.append(failure)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return outcomes
