#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The short form of `make chaos' that `make check' runs: three rounds (kill -9
# of serve in each; then the broker killed mid-storm, a Sync Now before
# serve's MQTT connection, and lost, failed, duplicated and forged messages)
# against 200 simulated devices (make chaos: 1,000), so that it stays near
# 2 minutes on 2 cores. CHAOS_SEED replays a failure.
CHAOS_DEVICES=${CHAOS_DEVICES:-200} CHAOS_ROUNDS=${CHAOS_SHORT_ROUNDS:-3} exec bash "$(dirname "$0")/run"
