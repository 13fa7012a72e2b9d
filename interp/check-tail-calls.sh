#!/usr/bin/env bash
# Usage: interp/check-tail-calls.sh BINARY
#
# The interpreter's handlers reach each other by tail calls, which only the
# optimiser turns into jumps; a handler that really calls the next one makes
# long loops recurse on the native stack. This checks the disassembly: every
# handler must dispatch with an indirect jmp and never call another handler or
# call through a pointer. Exits non-zero otherwise (and if no handler is found).
set -euo pipefail
bin=${1:?usage: $0 BINARY}
objdump -d --no-show-raw-insn -C "$bin" | awk '
/^[0-9a-f]+ <tandem_interp::exec::(handler|call_slow)>:$/ { inh=1; n++; jmps=0; bad=""; addr=$1; next }
/^[0-9a-f]+ <.*>:$/ { if (inh) { if (jmps==0) nojmp++; if (bad!="") { badn++; print "BAD " addr ": " bad } } inh=0; next }
inh && /\tcall/ && ((/\*/ && !/\(%rip\)/) || /exec::handler/ || /exec::dispatch/) { bad=bad $0 " | " }
inh && /\tjmp +\*/ { jmps++ }
END { if (inh) { if (jmps==0) nojmp++; if (bad!="") badn++ }
      printf "handlers: %d, without an indirect jmp: %d, with a call to a handler or through a pointer: %d\n", n, nojmp+0, badn+0
      exit (n == 0 || nojmp + badn > 0) }'
