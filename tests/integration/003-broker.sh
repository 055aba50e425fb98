#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The broker every MQTT test stands on: mosquitto with the configuration the
# project ships (no Nagle, wide in-flight window) starts on a free loopback
# port and carries a QoS 1 message from a publisher to a subscriber.
. "$(dirname "$0")/lib.sh"

if start_broker; then ok "the broker ($BROKER) starts on a free loopback port"; else
	not_ok "the broker ($BROKER) starts on a free loopback port"; exit 1; fi
spawn sub mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -C 1 -W 10 -t 'VSR/+/confirm' -v
sub_pid=$pid
# The subscription is live once the broker has seen the client connect;
# publish until it arrives (each publish is a distinct retry, not a sleep).
wait_until 10 bash -c "mosquitto_pub -h 127.0.0.1 -p $BROKER_PORT -q 1 -t VSR/CN-1/confirm \
	-m '{\"v\":1}' && grep -q 'VSR/CN-1/confirm' '$T/sub.out'"
check "a QoS 1 message reaches the subscriber" grep -q '^VSR/CN-1/confirm {"v":1}$' "$T/sub.out"
wait "$sub_pid"
check "the subscriber exits 0 after one message" test $? -eq 0

done_testing
