#!/bin/sh
# The engine's tests (PyTorch, CPU-bound) beside the browser tests (Playwright, mostly waiting on one
# wasm thread in Chromium): on two cores this saves most of the engine tests' minutes. The engine's
# output is held back and printed after the browser tests', so the two do not interleave.
log=$(mktemp)
npm run -s test:py >"$log" 2>&1 &
engine=$!
npx playwright test
browser=$?
wait $engine
engine_status=$?
echo "--- engine tests (pytest) ---"
cat "$log"
rm -f "$log"
[ $browser -ne 0 ] && exit $browser
exit $engine_status
