#!/usr/bin/env bash
# Sourced by scripts/cluster-env.sh: builds the platform's controllers (scripts/controllers/build.sh,
# cached by version) and starts the supervisor that runs each one as its Deployment in the cluster
# says (supervise.ts). Adds the supervisor's PID to PIDS, which cluster-env.sh stops on exit; the
# supervisor stops its controllers. Fails the run, never skips, when a controller cannot be built.
# Expects ROOT, RUN_DIR, PIDS and fail() from the caller.
bash "$ROOT/scripts/debian-packages.sh" controllers socat openssl util-linux || fail "controllers: socat, openssl or unshare is missing (above)"
command -v go >/dev/null || fail "controllers: go is not installed; the controllers are built from their Go modules"
bash "$ROOT/scripts/controllers/build.sh" || fail "controllers: a controller could not be built (above)"
npx tsc -p "$ROOT/tsconfig.build.json"
export SANDBOXKIT_CONTROLLERS_STATE=$RUN_DIR/controllers
node "$ROOT/dist/scripts/controllers/supervise.js" "$SANDBOXKIT_CONTROLLERS_STATE" >"$RUN_DIR/controllers.log" 2>&1 &
PIDS+=($!)
echo "cluster-env: controllers supervised from $SANDBOXKIT_CONTROLLERS_STATE (log: $RUN_DIR/controllers.log)"
