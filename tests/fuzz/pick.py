#!/usr/bin/env python3
"""Greedy set cover over afl-showmap outputs: picks at most N inputs that keep the most
(edge, hit-count bucket) tuples, so the committed corpus stays small (tens of files).
Usage: pick.py MAPS_DIR N  -> prints the chosen file names, then a summary line on stderr."""
import os
import sys

maps_dir, limit = sys.argv[1], int(sys.argv[2])
features = {}
for name in sorted(os.listdir(maps_dir)):
    with open(os.path.join(maps_dir, name)) as f:
        features[name] = {line.strip() for line in f if line.strip()}
universe = set().union(*features.values()) if features else set()
covered, chosen = set(), []
while len(chosen) < limit:
    best = max(features, key=lambda n: (len(features[n] - covered), -len(n), n), default=None)
    if best is None or not (features[best] - covered):
        break
    covered |= features.pop(best)
    chosen.append(best)
for name in chosen:
    print(name)
print(f"picked {len(chosen)} inputs keeping {len(covered)} of {len(universe)} tuples", file=sys.stderr)
