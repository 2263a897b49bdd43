#!/usr/bin/env bash
# Validates docker-compose.yml (no container engine needed). CI installs docker-compose; elsewhere it is optional.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v docker-compose >/dev/null 2>&1; then
  API_TOKENS=check docker-compose -f docker-compose.yml config -q && echo "docker-compose.yml is valid"
elif docker compose version >/dev/null 2>&1; then
  API_TOKENS=check docker compose -f docker-compose.yml config -q && echo "docker-compose.yml is valid"
else
  echo "docker-compose is not installed: docker-compose.yml not validated here (CI validates it)"
fi
