"""Drives a concurrent.futures.ProcessPoolExecutor for Heddle's worker-process benchmarks.

usage: python3 ppe_driver.py WORKERS

Starts a pool of WORKERS processes, runs a few tasks so that every worker is up, prints
"ready <start method>", then answers each line read from stdin with one line on stdout:

  echo X    ->  echo X       the pipe hop alone, no pool
  submit I  ->  I            executor.submit(identity, I).result()
  many N    ->  SUM NANOS    N calls of executor.submit in a loop, then every result;
                             NANOS is that loop's own time, from time.perf_counter_ns()

It exits, shutting the pool down, when stdin ends. Standard library only.
"""

import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def identity(i):
    return i


def main():
    workers = int(sys.argv[1])
    inp = sys.stdin.buffer
    out = sys.stdout.buffer
    with ProcessPoolExecutor(max_workers=workers) as executor:
        for f in [executor.submit(identity, i) for i in range(100 * workers)]:
            f.result()
        out.write(b"ready %s\n" % multiprocessing.get_start_method().encode())
        out.flush()
        while True:
            line = inp.readline()
            if not line:
                break
            command, _, arg = line.strip().partition(b" ")
            if command == b"echo":
                out.write(line)
            elif command == b"submit":
                out.write(b"%d\n" % executor.submit(identity, int(arg)).result())
            elif command == b"many":
                n = int(arg)
                start = time.perf_counter_ns()
                futures = [executor.submit(identity, i) for i in range(n)]
                total = sum(f.result() for f in futures)
                elapsed = time.perf_counter_ns() - start
                out.write(b"%d %d\n" % (total, elapsed))
            else:
                out.write(b"error: unknown command %s\n" % command)
            out.flush()


if __name__ == "__main__":
    main()
