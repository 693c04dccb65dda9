#!/usr/bin/env bash
# Builds the Ollama stand-in image once per machine (llama.cpp compiles for minutes); does
# nothing when the image exists. --rebuild builds it again. Needs the offline/python base image.
set -euo pipefail
IMAGE=${LLM_STANDIN_IMAGE:-offline/ollama-standin:test}
here=$(dirname "$0")
if [[ ${1:-} != --rebuild ]] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  exit 0
fi
echo "==> docker build $IMAGE (compiles llama.cpp: several minutes, once per machine)"
started=$SECONDS
docker build --network host -t "$IMAGE" "$here"
echo "==> $IMAGE built in $((SECONDS - started)) s"
