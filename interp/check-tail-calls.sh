#!/usr/bin/env bash
# Usage: interp/check-tail-calls.sh BINARY
#        interp/check-tail-calls.sh --disassembly FILE   (objdump -d -C output)
#
# In the threaded build (see interp/build.rs) the interpreter's handlers reach
# each other by tail calls, which only the optimiser turns into jumps; a
# handler that really calls the next one makes long loops recurse on the
# native stack. This checks the disassembly of every handler (and of
# `call_slow`, `return_call_slow` and `loop_slow`, which handlers reach by a
# tail call): it must
# dispatch with an indirect jmp, and never call a handler, the dispatcher,
# `call_slow` or `loop_slow`, nor call through a register or the stack.
# Direct calls to helpers that return
# (`raise`, `bulk`, the builtins' wrappers) and calls through the GOT (libc's
# memmove) are fine. Exits non-zero when a handler breaks the rule, and when
# no handler is found at all.
set -euo pipefail
case ${1:-} in
--disassembly) listing() { cat "${2:?usage: $0 --disassembly FILE}"; } ;;
"" | -*) echo "usage: $0 BINARY | --disassembly FILE" >&2; exit 2 ;;
*) listing() { objdump -d --no-show-raw-insn -C "$1"; } ;;
esac
listing "$@" | awk '
# Ends the function being read: records its verdict if it is a handler.
function finish() {
  if (inh) {
    if (jmps == 0) { nojmp++; print "NO JMP " addr " " name }
    if (bad != "") { badn++; print "BAD " addr " " name ": " bad }
  }
  inh = 0
}
/^[0-9a-f]+ <.*>:$/ {
  finish()
  if ($0 ~ /<tandem_interp::exec::([a-z_]+::)*(handler|call_slow|return_call_slow|loop_slow)(<|::|>)/) {
    inh = 1; n++; jmps = 0; bad = ""; addr = $1; name = $2
  }
  next
}
inh && /\tcall/ && ((/\*/ && !/\(%rip\)/) || /exec::([a-z_]+::)*(handler|dispatch|call_slow|return_call_slow|loop_slow|start_at)/) { bad = bad $0 " | " }
inh && /\tjmp +\*/ { jmps++ }
END {
  finish()
  printf "handlers: %d, without an indirect jmp: %d, with a call to a handler or through a pointer: %d\n", n, nojmp + 0, badn + 0
  exit (n == 0 || nojmp + badn > 0)
}'
