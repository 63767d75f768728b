#!/usr/bin/env bash
# Regenerates man/*.1 and completions/* from the commands' argument parsers.
#
# The man pages start from swift-argument-parser's generate-manual; the hand-written sections in
# man/src/<command>.mdoc (EXIT STATUS, ENVIRONMENT, EXAMPLES, SEE ALSO) replace its generic exit
# status section. Run after changing a flag: the tests fail while these files are stale.
set -euo pipefail
cd "$(dirname "$0")/.."

commands=(pl-extract pl-clean pl-validate pl-load pl-promote pl-report)
date=${PL_MAN_DATE:-2026-11-30}

swift build --product generate-manual >/dev/null
for c in "${commands[@]}"; do swift build --product "$c" >/dev/null; done
bin=$(swift build --show-bin-path)

for c in "${commands[@]}"; do
  "$bin/generate-manual" "$bin/$c" --date "$date" -o - | python3 scripts/finish-man.py "man/src/$c.mdoc" > "man/$c.1"
  "$bin/$c" --generate-completion-script bash > "completions/$c.bash"
  "$bin/$c" --generate-completion-script zsh > "completions/_$c"
  "$bin/$c" --generate-completion-script fish > "completions/$c.fish"
done
echo "man/ and completions/ regenerated" >&2
