#!/usr/bin/env bash
# The test command: builds the solution and runs every test (grain tests on a TestCluster,
# gateway tests through real Kestrel and SignalR sockets).
set -euo pipefail
cd "$(dirname "$0")"
dotnet test Collab.sln -c Release --logger "console;verbosity=normal" "$@"
