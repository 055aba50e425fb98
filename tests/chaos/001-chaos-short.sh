#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The short form of `make chaos' that `make check' runs: three rounds (kill -9
# of serve in each; then the broker killed mid-storm, a Sync Now before
# serve's MQTT connection, and lost, failed, duplicated and forged messages)
# against 1,000 simulated devices. CHAOS_SEED replays a failure.
CHAOS_ROUNDS=${CHAOS_SHORT_ROUNDS:-3} exec bash "$(dirname "$0")/run"
