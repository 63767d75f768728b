"""Turns generate-manual's page for a command into the page we ship.

Reads the generated mdoc on standard input, drops the `help` entry the generator adds to every
command (and the `subcommand` argument of a command that has no other subcommand), replaces its generic EXIT STATUS with the hand-written sections of the
file named as the argument, and writes the page to standard output.
"""
import re
import sys

generated = sys.stdin.read()
extra = open(sys.argv[1], encoding="utf-8").read()

lines = generated.splitlines()
# A command with real subcommands lists each as `.It Em NAME`; `help` alone means none.
has_subcommands = any(l.startswith(".It Em ") and l != ".It Em help" for l in lines)
out = []
skip_depth = 0
i = 0
while i < len(lines):
    line = lines[i]
    if line == ".Ar subcommand" and not has_subcommands:
        i += 1
        continue
    if line == ".It Em help":
        # The help pseudo-subcommand: its description and nested list up to the matching .El.
        i += 1
        depth = 0
        while i < len(lines):
            if lines[i].startswith(".Bl"):
                depth += 1
            elif lines[i] == ".El":
                if depth == 0:
                    break  # the .El closing the outer list: keep it
                depth -= 1
            i += 1
        continue
    if line.startswith('.Sh "EXIT STATUS"'):
        break
    out.append(line)
    i += 1

page = "\n".join(out).rstrip() + "\n" + extra.rstrip() + "\n"
sys.stdout.write(page)
