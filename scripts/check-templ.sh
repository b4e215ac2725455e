#!/usr/bin/env bash
# Fails when the committed *_templ.go files do not match their .templ sources.
set -euo pipefail
sum() { find . -name '*_templ.go' -not -path './.git/*' -print0 | sort -z | xargs -0 sha256sum 2>/dev/null | sha256sum; }
before=$(sum)
go tool templ generate >/dev/null 2>&1
after=$(sum)
if [ "$before" != "$after" ]; then
  echo "templ-generated code was out of date with its .templ sources; 'go tool templ generate' updated it: commit the *_templ.go files." >&2
  exit 1
fi
