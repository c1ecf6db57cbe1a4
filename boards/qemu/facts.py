#!/usr/bin/env python3
"""facts.py BOARD - an emulated board's facts, from boards/BOARD.yaml, as shell assignments.

The board's YAML is the only definition of a board (docs/board-profiles.md): `ktap` reads it
with YamlDotNet, and the shell scripts of boards/qemu/ and the tests read it through this
script (boards/qemu/lib.sh: ktap_board_load). It prints
    board_target=...          the YAML's target:
    board_default_port=...    the YAML's port:
    board_<key>=...           each key of its emulation: mapping (lists joined by spaces;
                              qemu_args keeps its {port} placeholder)
each value quoted for the shell. `like: OTHER` in emulation: starts from OTHER's emulation
mapping and overrides what the board states. The C# reader (BoardProfileReader) owns the
schema and checks every board of boards/ against it in the tests; this script only prints
what is there. Exit 2 with a message for an unknown or non-emulated board.
"""
import pathlib
import shlex
import sys

import yaml

BOARDS = pathlib.Path(__file__).resolve().parent.parent


def die(message):
    print(f"facts.py: {message}", file=sys.stderr)
    sys.exit(2)


def load(name):
    path = BOARDS / f"{name}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in BOARDS.glob("*.yaml"))
        die(f"unknown board '{name}' (known: {' '.join(known)})")
    try:
        doc = yaml.safe_load(path.read_text())
    except yaml.YAMLError as e:
        die(f"{path}: not valid YAML: {e}")
    if not isinstance(doc, dict):
        die(f"{path}: not a board profile")
    return path, doc


def emulation(name, chain=()):
    if name in chain:
        die(f"emulation 'like:' goes round in a circle: {' -> '.join(chain + (name,))}")
    path, doc = load(name)
    mine = doc.get("emulation")
    if not isinstance(mine, dict):
        die(f"{path}: '{name}' is not an emulated board (no emulation: mapping)")
    facts = {}
    if "like" in mine:
        facts.update(emulation(str(mine["like"]), chain + (name,)))
    facts.update({k: v for k, v in mine.items() if k != "like"})
    return facts


def shell_value(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(shell_value(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def main():
    if len(sys.argv) != 2:
        die("usage: facts.py BOARD")
    name = sys.argv[1]
    path, doc = load(name)
    facts = emulation(name)
    lines = [f"board_target={shlex.quote(str(doc.get('target', '')))}",
             f"board_default_port={shlex.quote(str(doc.get('port', '')))}"]
    for key, value in facts.items():
        if not key.replace("_", "").isalnum():
            die(f"{path}: emulation key '{key}' is not a name")
        lines.append(f"board_{key}={shlex.quote(shell_value(value))}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
