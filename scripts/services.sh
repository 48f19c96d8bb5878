#!/usr/bin/env bash
# Installs (apt-get, when missing) and starts on loopback the servers the integration tests use, idempotently,
# and stops what it started. Sourced by scripts/test.sh; each service adds itself to services_start/services_stop.
# Connection settings are exported as CACHEME_TEST_* environment variables for the tests.

SERVICES_STATE="${SERVICES_STATE:-/tmp/cacheme-services}"
STARTED_SERVICES=()

services_start() {
  mkdir -p "$SERVICES_STATE"
  return 0
}

services_stop() {
  return 0
}
