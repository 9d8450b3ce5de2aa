#!/usr/bin/env bash
# Sourced by scripts/cluster-env.sh: builds the platform's controllers (scripts/controllers/build.sh,
# cached by version) and starts the supervisor that runs each one as its Deployment in the cluster
# says (supervise.ts). Adds the supervisor's PID to PIDS, which cluster-env.sh stops on exit; the
# supervisor stops its controllers. Fails the run, never skips, when a controller cannot be built.
# Expects ROOT, RUN_DIR, PIDS and fail() from the caller.
for tool in go socat unshare openssl; do
  if ! command -v "$tool" >/dev/null; then
    [[ $tool == socat ]] && { apt-get install -y -qq socat >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq socat >/dev/null 2>&1; }; }
    command -v "$tool" >/dev/null || fail "controllers: $tool is not installed; the cluster suite runs its controllers with it"
  fi
done
bash "$ROOT/scripts/controllers/build.sh" || fail "controllers: a controller could not be built (above)"
npx tsc -p "$ROOT/tsconfig.build.json"
export SANDBOXKIT_CONTROLLERS_STATE=$RUN_DIR/controllers
node "$ROOT/dist/scripts/controllers/supervise.js" "$SANDBOXKIT_CONTROLLERS_STATE" >"$RUN_DIR/controllers.log" 2>&1 &
PIDS+=($!)
echo "cluster-env: controllers supervised from $SANDBOXKIT_CONTROLLERS_STATE (log: $RUN_DIR/controllers.log)"
